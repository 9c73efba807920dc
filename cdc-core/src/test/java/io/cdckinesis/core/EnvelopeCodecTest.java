package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeCodecTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ChangeRecord.Builder customer() {
    return ChangeRecord.builder()
        .operation(Operation.UPDATE)
        .table("dbo", "Customer")
        .primaryKey("id")
        .commitTimestamp(Instant.parse("2026-01-02T03:04:05.123456Z"))
        .position("s3://bucket/dbo/Customer/20260102-030405123.csv", 17, 18);
  }

  @Test
  void encodesTheDmsKinesisEnvelopeWithOurPositionFields() throws Exception {
    ChangeRecord r = customer().value("id", 7L).value("name", "Ann").value("note", null).build();

    JsonNode json = JSON.readTree(EnvelopeCodec.create().encode(r));

    assertThat(json.get("data").toString()).isEqualTo("{\"id\":7,\"name\":\"Ann\",\"note\":null}");
    JsonNode m = json.get("metadata");
    assertThat(m.get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05.123456Z");
    assertThat(m.get("record-type").asText()).isEqualTo("data");
    assertThat(m.get("operation").asText()).isEqualTo("update");
    assertThat(m.get("partition-key-type").asText()).isEqualTo("primary-key");
    assertThat(m.get("schema-name").asText()).isEqualTo("dbo");
    assertThat(m.get("table-name").asText()).isEqualTo("Customer");
    assertThat(m.get("primary-key").toString()).isEqualTo("[\"id\"]");
    assertThat(m.get("source-uri").asText())
        .isEqualTo("s3://bucket/dbo/Customer/20260102-030405123.csv");
    assertThat(m.get("source-row").asLong()).isEqualTo(17);
    assertThat(m.get("source-line").asLong()).isEqualTo(18);
  }

  @Test
  void roundTripOfStringRecordsIsLossless() {
    ChangeRecord r =
        customer()
            .value("id", "7")
            .value("name", "Zoë \"Z\" Ñandú, 北京\nsecond line")
            .value("empty", "")
            .value("nothing", null)
            .build();

    EnvelopeCodec codec = EnvelopeCodec.create();

    assertThat(codec.decodeRecord(codec.encode(r))).isEqualTo(r);
  }

  @Test
  void roundTripOfTypedRecordsIsLosslessWithTheTableTypes() {
    TableDefinitions tables =
        TableDefinitions.of(
            TableDefinition.builder("dbo", "Customer")
                .column("id", ColumnType.INTEGER)
                .column("big", ColumnType.INTEGER)
                .column("limit", ColumnType.DECIMAL)
                .column("tiny", ColumnType.DECIMAL)
                .column("whole", ColumnType.DECIMAL)
                .column("active", ColumnType.BOOLEAN)
                .column("born", ColumnType.DATE)
                .column("seen", ColumnType.TIMESTAMP)
                .primaryKey("id")
                .build());
    ChangeRecord r =
        customer()
            .value("id", 7L)
            .value("big", new BigInteger("123456789012345678901234567890"))
            .value("limit", new BigDecimal("85100.00"))
            .value("tiny", new BigDecimal("0.000000000000000000012345"))
            .value("whole", new BigDecimal("100"))
            .value("active", true)
            .value("born", LocalDate.of(1987, 6, 17))
            .value("seen", LocalDateTime.of(2019, 1, 18, 18, 45, 18, 184_000_000))
            .build();
    EnvelopeCodec codec = EnvelopeCodec.withTables(tables);

    byte[] bytes = codec.encode(r);

    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"tiny\":0.000000000000000000012345")
        .contains("\"seen\":\"2019-01-18T18:45:18.184\"");
    assertThat(codec.decodeRecord(bytes)).isEqualTo(r);
  }

  @Test
  void recordsWithoutKeyOrTimestampRoundTrip() {
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(Operation.LOAD)
            .table("HR", "EMPLOYEES")
            .value("A", "1")
            .position("/tmp/HR/EMPLOYEES/LOAD00000001.csv", 1, 2)
            .build();
    EnvelopeCodec codec = EnvelopeCodec.create();

    byte[] bytes = codec.encode(r);

    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"partition-key-type\":\"schema-table\"")
        .doesNotContain("timestamp")
        .doesNotContain("primary-key\"");
    assertThat(codec.decodeRecord(bytes)).isEqualTo(r);
  }

  @Test
  void pointerEnvelopesCarryTheClaimCheck() {
    ChangeRecord r = customer().value("id", 7L).build();
    PayloadPointer p = new PayloadPointer("s3://b/oversize/x.json", 2_000_000, "ab".repeat(32));
    EnvelopeCodec codec = EnvelopeCodec.create();

    Envelope e = codec.decode(codec.encodePointer(r, p));

    assertThat(e).isEqualTo(new Envelope.Pointer(p, Operation.UPDATE, r.tableId(), r.position()));
    assertThatThrownBy(() -> codec.decodeRecord(codec.encodePointer(r, p)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("pointer");
  }

  @Test
  void rejectsWhatIsNotOurEnvelope() {
    EnvelopeCodec codec = EnvelopeCodec.create();

    assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EnvelopeException.class);
    assertThatThrownBy(() -> codec.decode("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("not a JSON object");
    String dmsNative =
        "{\"data\":{\"id\":1},\"metadata\":{\"record-type\":\"data\",\"operation\":\"insert\","
            + "\"schema-name\":\"dbo\",\"table-name\":\"T\"}}";
    assertThatThrownBy(() -> codec.decode(dmsNative.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("source-uri");
    String control =
        "{\"metadata\":{\"record-type\":\"control\",\"operation\":\"create-table\","
            + "\"schema-name\":\"dbo\",\"table-name\":\"T\",\"source-uri\":\"s3://b/k\","
            + "\"source-row\":1,\"source-line\":1}}";
    assertThatThrownBy(() -> codec.decode(control.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EnvelopeException.class);
  }

  /** Whatever the stream holds ends up in logs and dead letters as the reason it was refused. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Seeded-Quokka-7Qx is not JSON",
        "{\"data\":{\"name\":Seeded-Quokka-7Qx}}",
        "{\"data\":{\"name\":\"Seeded-Quokka-7Qx",
        "{\"data\":{\"n\":123456789012345678901234567890},\"Seeded-Quokka-7Qx\":[",
        "{\"data\":{\"n\":1}} Seeded-Quokka-7Qx",
        "{\"data\":{\"name\":\"Seeded-Quokka-7Qx\"},\"metadata\":{\"record-type\":\"data\","
            + "\"operation\":\"insert\",\"schema-name\":\"dbo\",\"table-name\":\"Typed\","
            + "\"source-uri\":\"s3://b/k\",\"source-row\":1,\"source-line\":1}}"
      })
  void refusalsNeverQuoteTheBytesTheyRefuse(String text) {
    EnvelopeCodec codec =
        EnvelopeCodec.withTables(
            TableDefinitions.of(
                new TableDefinition(
                    TableId.of("dbo", "Typed"),
                    List.of("name"),
                    java.util.Map.of("name", ColumnType.DATE),
                    List.of())));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(EnvelopeException.class)
        .satisfies(
            e -> {
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(t.toString()).doesNotContain("Quokka");
              }
            });
  }

  @Test
  void aJsonSyntaxErrorIsDescribedByItsPlace() {
    assertThatThrownBy(
            () ->
                EnvelopeCodec.create()
                    .decode("{\"data\":\n  {\"a\": nope}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageStartingWith("not a JSON envelope: ")
        .hasMessageContaining("line 2, column");
  }
}
