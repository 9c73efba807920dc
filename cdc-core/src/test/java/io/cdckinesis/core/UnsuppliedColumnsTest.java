package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Columns DMS did not supply: S3Settings API reference, {@code UseCsvNoSupValue} ("If set to true
 * for columns not included in the supplemental log, DMS uses the value specified by CsvNoSupValue")
 * and {@code CsvNoSupValue} ("This setting only applies if your Amazon S3 output files during a
 * change data capture (CDC) load are written in .csv format"). The typical case: an Oracle source
 * without full supplemental logging, whose UPDATE did not touch a LOB column.
 */
class UnsuppliedColumnsTest {

  private static final String TOKEN = "NOSUPVAL";
  private static final String CDC = "HR/DOCS/20240809-192717787.csv";
  private static final String LOAD = "HR/DOCS/LOAD00000001.csv";
  private static final String HEADER = "Op,DOC_ID,TITLE,BODY,PRICE\n";
  private static final TableDefinitions TABLES =
      TableDefinitions.fromJson(
          "{\"HR.DOCS\": {\"primaryKey\": [\"DOC_ID\"], \"types\": {\"DOC_ID\": \"NUMBER(10)\","
              + " \"TITLE\": \"VARCHAR2(100)\", \"BODY\": \"CLOB\", \"PRICE\": \"NUMBER(10,2)\"}}}",
          "test");
  private static final DmsCsvSettings SETTINGS =
      DmsCsvSettings.fromJson(
          "{\"S3Settings\": {\"AddColumnName\": true, \"IncludeOpForFullLoad\": true,"
              + " \"UseCsvNoSupValue\": true, \"CsvNoSupValue\": \""
              + TOKEN
              + "\"}}",
          "test");

  /** A row as DMS writes it, then the columns it must carry and those it must name unsupplied. */
  static Stream<Arguments> rows() {
    return Stream.of(
        row("U,7,Memo," + TOKEN + ",12.50", "DOC_ID,TITLE,PRICE", "BODY"),
        row("U,7,Memo,Long text," + TOKEN, "DOC_ID,TITLE,BODY", "PRICE"), // typed: no reject
        row("D,7," + TOKEN + "," + TOKEN + "," + TOKEN, "DOC_ID", "TITLE,BODY,PRICE"),
        row("I,7,Memo,Long text,12.50", "DOC_ID,TITLE,BODY,PRICE", ""),
        row("U,7,Memo,\"" + TOKEN + "\",12.50", "DOC_ID,TITLE,BODY,PRICE", ""), // quoted: text
        row("U,7,Memo,,12.50", "DOC_ID,TITLE,BODY,PRICE", "")); // empty: NULL, supplied
  }

  private static Arguments row(String csv, String columns, String unsupplied) {
    return Arguments.of(
        csv,
        List.of(columns.split(",")),
        unsupplied.isEmpty() ? List.of() : List.of(unsupplied.split(",")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void unsuppliedColumnsAreAbsentAndNamed(
      String csv, List<String> columns, List<String> unsupplied) {
    ReaderHarness h = ReaderHarness.of(SETTINGS, TABLES).read(CDC, HEADER + csv + "\n");
    ChangeRecord r = h.records.get(0);
    assertThat(r.columns()).containsExactlyElementsOf(columns);
    assertThat(r.unsupplied()).containsExactlyElementsOf(unsupplied);
    assertThat(r.isPartial()).isEqualTo(!unsupplied.isEmpty());
    assertThat(r.data().keySet()).containsExactlyElementsOf(columns);
    assertThat(r.keyValues()).containsExactly(7L);
    if (columns.contains("BODY") && csv.contains("\"" + TOKEN + "\"")) {
      assertThat(r.value("BODY")).isEqualTo(TOKEN);
    }
    for (String c : unsupplied) {
      assertThatThrownBy(() -> r.value(c)).hasMessageContaining("DMS did not supply column " + c);
    }
  }

  @Test
  void theEnvelopeLeavesThemOutOfDataAndListsThemInMetadata() throws IOException {
    ChangeRecord r =
        ReaderHarness.of(SETTINGS, TABLES)
            .read(CDC, HEADER + "U,7,Memo," + TOKEN + "," + TOKEN + "\n")
            .records
            .get(0);
    byte[] envelope = EnvelopeCodec.create().encode(r);
    JsonNode json = new ObjectMapper().readTree(envelope);
    assertThat(json.get("data").fieldNames()).toIterable().containsExactly("DOC_ID", "TITLE");
    assertThat(json.at("/metadata/unsupplied-columns").toString())
        .isEqualTo("[\"BODY\",\"PRICE\"]");
    assertThat(EnvelopeCodec.withTables(TABLES).decodeRecord(envelope)).isEqualTo(r);

    ChangeRecord whole =
        ReaderHarness.of(SETTINGS, TABLES)
            .read(CDC, HEADER + "U,7,Memo,Text,2.50\n")
            .records
            .get(0);
    byte[] plain = EnvelopeCodec.create().encode(whole);
    assertThat(new ObjectMapper().readTree(plain).at("/metadata").has("unsupplied-columns"))
        .isFalse();
    assertThat(EnvelopeCodec.withTables(TABLES).decodeRecord(plain)).isEqualTo(whole);
    assertThat(whole.value("PRICE")).isEqualTo(new BigDecimal("2.50"));
  }

  @Test
  void theTokenIsTextInFullLoadFilesAndWithoutUseCsvNoSupValue() {
    // full load reads the table itself: every column is supplied
    ChangeRecord load =
        ReaderHarness.of(SETTINGS, TABLES)
            .read(LOAD, HEADER + "I,7,Memo," + TOKEN + ",1.00\n")
            .records
            .get(0);
    assertThat(load.value("BODY")).isEqualTo(TOKEN);
    assertThat(load.unsupplied()).isEmpty();

    DmsCsvSettings off = SETTINGS.toBuilder().useCsvNoSupValue(false).build();
    ChangeRecord change =
        ReaderHarness.of(off, TABLES)
            .read(CDC, HEADER + "U,7,Memo," + TOKEN + ",1.00\n")
            .records
            .get(0);
    assertThat(change.value("BODY")).isEqualTo(TOKEN);
    assertThat(off.noSupValue()).isNull();
  }

  @Test
  void aKeyColumnHoldingTheTokenRejectsTheRow() {
    ReaderHarness h = new ReaderHarness(SETTINGS, TABLES, BadRowPolicy.SKIP);
    h.read(CDC, HEADER + "U," + TOKEN + ",Memo,x,1.00\nU,8,Memo,x,1.00\n");
    assertThat(h.records).extracting(r -> r.value("DOC_ID")).containsExactly(8L);
    assertThat(h.rejects)
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.reason()).isEqualTo(BadInputReason.INVALID_VALUE);
              assertThat(bad.message())
                  .isEqualTo(
                      "key column DOC_ID holds CsvNoSupValue: DMS always supplies key columns");
            });
  }

  @Test
  void worksBesideANullTokenAndWithoutHeader() {
    DmsCsvSettings s =
        DmsCsvSettings.builder()
            .csvNullValue("NULL")
            .useCsvNoSupValue(true)
            .csvNoSupValue(TOKEN)
            .build();
    TableDefinitions t =
        TableDefinitions.of(
            TableDefinition.builder("HR", "DOCS")
                .columns("DOC_ID", "TITLE", "BODY")
                .primaryKey("DOC_ID")
                .build());
    ChangeRecord r = ReaderHarness.of(s, t).read(CDC, "U,7,NULL," + TOKEN + "\n").records.get(0);
    assertThat(r.data()).isEqualTo(mapOf("DOC_ID", "7", "TITLE", null));
    assertThat(r.unsupplied()).containsExactly("BODY");

    assertThatThrownBy(() -> s.toBuilder().csvNoSupValue("NULL").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CsvNoSupValue and CsvNullValue are the same token");
  }

  @Test
  void settingsComeFromTheEndpoint() {
    assertThat(SETTINGS.noSupValue()).isEqualTo(TOKEN);
    DmsCsvSettings eca =
        DmsCsvSettings.fromJson(
            "{\"Endpoint\": {\"EndpointIdentifier\": \"s3-target\", \"EngineName\": \"s3\","
                + " \"ExtraConnectionAttributes\": \"useCsvNoSupValue=true;csvNoSupValue=-\"}}",
            "test");
    assertThat(eca.noSupValue()).isEqualTo("-");
    // UseCsvNoSupValue without CsvNoSupValue: DMS writes NULL, there is no token
    assertThat(DmsCsvSettings.builder().useCsvNoSupValue(true).build().noSupValue()).isNull();
  }

  private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
