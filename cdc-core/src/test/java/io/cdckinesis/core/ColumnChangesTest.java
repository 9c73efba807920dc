package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Column DDL during CDC. "Using Amazon S3 as a target for AWS Database Migration Service": DMS
 * supports ADD COLUMN and DROP COLUMN (and other DDL) during ongoing replication; with {@code
 * AddColumnName} (S3Settings API reference: "add column name information to the .csv output file")
 * each file's header shows the columns as they were when it was written. Without it, the number and
 * meaning of the fields change silently.
 */
class ColumnChangesTest {

  private static final String URI_PREFIX = "s3://bucket/";
  private static final DmsCsvSettings HEADER =
      DmsCsvSettings.builder().addColumnName(true).includeOpForFullLoad(true).build();
  private static final DmsCsvSettings NO_HEADER = DmsCsvSettings.defaults();

  /** Configured columns, key and types, as tables.json would give them. */
  private static final TableDefinitions CONFIGURED =
      TableDefinitions.fromJson(
          "{\"shop.customers\": {\"columns\": [\"id\", \"name\"], \"primaryKey\": [\"id\"],"
              + " \"types\": {\"id\": \"INT\", \"credit\": \"DECIMAL(10,2)\"},"
              + " \"columnVersions\": ["
              + "   {\"from\": \"20240809-120000000\", \"columns\": [\"id\", \"name\", \"credit\"]},"
              + "   {\"from\": \"20240810-000000000.csv\", \"columns\": [\"id\", \"credit\"]}]}}",
          "tables.json");

  /** Files of one table in DMS order, each with the header of its time, and their columns. */
  static Stream<Arguments> headerFiles() {
    return Stream.of(
        Arguments.of("LOAD00000001.csv", "Op,id,name\nI,1,Ann\n", List.of("id", "name")),
        Arguments.of("20240809-110000000.csv", "Op,id,name\nU,1,Anne\n", List.of("id", "name")),
        // ALTER TABLE customers ADD credit DECIMAL(10,2)
        Arguments.of(
            "20240809-130000000.csv",
            "Op,id,name,credit\nI,2,Bo,10.50\n",
            List.of("id", "name", "credit")),
        // ALTER TABLE customers DROP COLUMN name
        Arguments.of(
            "20240810-090000000.csv", "Op,id,credit\nU,2,11.00\n", List.of("id", "credit")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerFiles")
  void eachFilesHeaderWinsOverConfiguredColumns(String file, String csv, List<String> columns) {
    DmsCsvReader reader = DmsCsvReader.builder().settings(HEADER).tables(CONFIGURED).build();
    String key = "shop/customers/" + file;
    try (DmsFileReader r =
        reader.open(
            URI_PREFIX + key,
            DmsObjectKey.parse(key, HEADER),
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))) {
      assertThat(r.columns()).containsExactlyElementsOf(columns); // known before the first row
      ChangeRecord record = r.read();
      assertThat(record.columns()).containsExactlyElementsOf(columns);
      assertThat(record.value("id")).isInstanceOf(Long.class); // configured types still apply
      assertThat(record.primaryKey()).containsExactly("id");
      if (columns.contains("credit")) {
        assertThat(record.value("credit")).hasToString(csv.contains("10.50") ? "10.50" : "11.00");
      }
    }
  }

  @Test
  void aHeaderWithNoneOfTheConfiguredColumnsIsADataRow() {
    // AddColumnName is set, but the file has no header: its first row would become column names
    BadInputException e =
        catchThrowableOfType(
            () ->
                ReaderHarness.of(HEADER, CONFIGURED)
                    .read("shop/customers/20240809-110000000.csv", "U,1,Secret\nU,2,Bo\n"),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.INVALID_HEADER);
    assertThat(e.getMessage())
        .contains("the header names none of the configured columns of shop.customers")
        .doesNotContain("Secret");
  }

  /** Headerless files: the configured column list that holds for each file's time. */
  static Stream<Arguments> versionedFiles() {
    return Stream.of(
        Arguments.of("LOAD00000001.csv", "1,Ann\n", List.of("id", "name")),
        Arguments.of("20240809-110000000.csv", "U,1,Anne\n", List.of("id", "name")),
        Arguments.of("20240809-120000000.csv", "I,2,Bo,10.50\n", List.of("id", "name", "credit")),
        Arguments.of("20240809-130000000.csv.gz", "U,2,Bo,11\n", List.of("id", "name", "credit")),
        Arguments.of("20240810-000000000.csv", "U,2,12\n", List.of("id", "credit")),
        Arguments.of("20240811-000000000.csv", "D,2,12\n", List.of("id", "credit")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versionedFiles")
  void headerlessFilesTakeTheColumnVersionOfTheirTime(
      String file, String csv, List<String> columns) {
    String key = "shop/customers/" + file;
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    ReaderHarness h =
        ReaderHarness.of(NO_HEADER, CONFIGURED)
            .read(key, file.endsWith(".gz") ? ReaderHarness.gzip(bytes) : bytes);
    assertThat(h.records.get(0).columns()).containsExactlyElementsOf(columns);
    assertThat(
            CONFIGURED
                .find("shop", "customers")
                .get()
                .columnsFor(DmsFileName.parse(file).orElseThrow()))
        .containsExactlyElementsOf(columns);
  }

  @Test
  void aFieldCountChangeFromTheFirstRowFailsTheFileOnceNamingTheDdlAndTheFix() {
    TableDefinitions unversioned =
        TableDefinitions.of(
            TableDefinition.builder("shop", "customers")
                .columns("id", "name")
                .primaryKey("id")
                .build());
    // ALTER TABLE ADD COLUMN at the source; the endpoint writes no header
    ReaderHarness h = new ReaderHarness(NO_HEADER, unversioned, BadRowPolicy.SKIP);
    BadInputException e =
        catchThrowableOfType(
            () ->
                h.read(
                    "shop/customers/20240809-130000000.csv",
                    "I,2,Bo,10.50\nU,2,Bo,11.00\nU,1,Ann,3.00\n"),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.COLUMNS_CHANGED);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.getMessage())
        .isEqualTo(
            URI_PREFIX
                + "shop/customers/20240809-130000000.csv:1: COLUMNS_CHANGED: rows have 4 fields"
                + " where the configured columns of shop.customers give 3: the table's columns"
                + " probably changed at the source (ALTER TABLE ... ADD COLUMN or DROP COLUMN) and"
                + " the file has no header to say so. Turn on AddColumnName on the DMS endpoint so"
                + " that every file names its columns, or add the new column list to the table"
                + " definition from this file on (\"columnVersions\": [{\"from\":"
                + " \"20240809-130000000\", \"columns\": [...]}])")
        .doesNotContain("Bo");
    assertThat(h.rejects).isEmpty(); // one error for the file, not one per row
    assertThat(h.records).isEmpty();
  }

  @Test
  void aFieldCountChangeMidFileFailsAtItsSecondRow() {
    TableDefinitions unversioned =
        TableDefinitions.of(
            TableDefinition.builder("shop", "customers")
                .columns("id", "name")
                .primaryKey("id")
                .build());
    ReaderHarness h = new ReaderHarness(NO_HEADER, unversioned, BadRowPolicy.SKIP);
    BadInputException e =
        catchThrowableOfType(
            () ->
                h.read(
                    "shop/customers/20240809-130000000.csv",
                    "U,1,Ann\nI,2,Bo,10.50\nU,2,Bo,11.00\nU,3,Cy,1.00\n"),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.COLUMNS_CHANGED);
    assertThat(e.line()).isEqualTo(2); // where the new field count starts
    assertThat(h.records).extracting(r -> r.value("id")).containsExactly("1");
    assertThat(h.rejects)
        .singleElement()
        .extracting(RejectedRow::reason)
        .isEqualTo(BadInputReason.WRONG_FIELD_COUNT);
  }

  @Test
  void aSingleRowWithAWrongFieldCountIsStillOnlyThatRow() {
    TableDefinitions unversioned =
        TableDefinitions.of(
            TableDefinition.builder("shop", "customers").columns("id", "name").build());
    ReaderHarness h = new ReaderHarness(NO_HEADER, unversioned, BadRowPolicy.SKIP);
    h.read("shop/customers/20240809-130000000.csv", "U,1,Ann\nU,2\nU,3,Cy\n\nU,4,Di\n");
    assertThat(h.records).extracting(r -> r.value("id")).containsExactly("1", "3", "4");
    assertThat(h.rejects)
        .extracting(RejectedRow::reason)
        .containsOnly(BadInputReason.WRONG_FIELD_COUNT);
  }

  @Test
  void transactionFilesNameNoColumns() {
    DmsCsvSettings txn = DmsCsvSettings.builder().preserveTransactions(true).cdcPath("txn").build();
    DmsCsvReader reader = DmsCsvReader.builder().settings(txn).tables(CONFIGURED).build();
    String key = "txn/CDC_TXN-20240809192717787.csv";
    try (DmsFileReader r =
        reader.open(
            URI_PREFIX + key,
            DmsObjectKey.parse(key, txn),
            new ByteArrayInputStream(
                "I,customers,shop,1,Ann,1.00\n".getBytes(StandardCharsets.UTF_8)))) {
      assertThat(r.columns()).isEmpty();
      assertThat(r.read().columns()).containsExactly("id", "name", "credit"); // by its time
    }
  }

  @Test
  void columnVersionsAreValidated() {
    assertThat(
            catchThrowableOfType(
                () ->
                    TableDefinitions.fromJson(
                        "{\"a.b\": {\"columns\": [\"id\"], \"primaryKey\": [\"id\"],"
                            + " \"columnVersions\": [{\"from\": \"20240809-120000\","
                            + " \"columns\": [\"name\"]}]}}",
                        "t.json"),
                ConfigurationException.class))
        .hasMessageContaining("primary key column id is not among the columns [name]");
    assertThat(
            catchThrowableOfType(
                () ->
                    TableDefinitions.fromJson(
                        "{\"a.b\": {\"columns\": [\"id\"], \"columnVersions\": [{\"from\":"
                            + " \"LOAD00000001\", \"columns\": [\"id\"]}]}}",
                        "t.json"),
                ConfigurationException.class))
        .hasMessageContaining("must be a change file time like 20240301-120000000");
    assertThat(
            catchThrowableOfType(
                () ->
                    TableDefinition.builder("a", "b")
                        .columns("id")
                        .columnsFrom("20240810-000000000", List.of("id", "x"))
                        .columnsFrom("20240809-000000000", List.of("id"))
                        .build(),
                IllegalArgumentException.class))
        .hasMessageContaining("column versions must be in time order");
  }
}
