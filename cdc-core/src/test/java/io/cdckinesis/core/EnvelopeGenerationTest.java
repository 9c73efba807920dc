package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Load generations, revisions and control records on the wire. */
class EnvelopeGenerationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EnvelopeCodec CODEC = EnvelopeCodec.create();
  private static final SourceFile RELOADED =
      new SourceFile("s3://b/dbo/T/LOAD00000001.csv", 1_764_500_000_123L, 2, "\"9b2cf535\"");

  @Test
  void aPositionsGenerationRevisionAndVersionTravelAndComeBack() throws Exception {
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(Operation.LOAD)
            .table("dbo", "T")
            .primaryKey("id")
            .value("id", 1L)
            .position(new SourcePosition(RELOADED, 3, 4))
            .build();

    byte[] bytes = CODEC.encode(r);
    JsonNode m = JSON.readTree(bytes).get("metadata");

    assertThat(m.get("source-generation").asLong()).isEqualTo(1_764_500_000_123L);
    assertThat(m.get("source-revision").asInt()).isEqualTo(2);
    assertThat(m.get("source-version").asText()).isEqualTo("\"9b2cf535\"");
    assertThat(CODEC.decodeRecord(bytes)).isEqualTo(r);
    PayloadPointer p = new PayloadPointer("s3://state/o/1", 10, "ab");
    Envelope.Pointer pointer = (Envelope.Pointer) CODEC.decode(CODEC.encodePointer(r, p));
    assertThat(pointer.position()).isEqualTo(r.position());
    assertThat(pointer.position().file()).isEqualTo(RELOADED);
  }

  @Test
  void defaultsAreLeftOutSoOldEnvelopesAndNewOnesLookAlike() throws Exception {
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(Operation.INSERT)
            .table("dbo", "T")
            .value("id", 1L)
            .position("s3://b/dbo/T/20261124-081833995.csv", 1, 1)
            .build();

    JsonNode m = JSON.readTree(CODEC.encode(r)).get("metadata");

    assertThat(m.has("source-generation")).isFalse();
    assertThat(m.has("source-revision")).isFalse();
    assertThat(m.has("source-version")).isFalse();
    assertThat(CODEC.decodeRecord(CODEC.encode(r)).position().generation()).isZero();
  }

  @Test
  void aControlRecordIsWrittenInTheDmsKinesisFormat() throws Exception {
    ControlRecord c =
        new ControlRecord(
            ControlOperation.TRUNCATE_TABLE,
            TableId.of("dbo", "T"),
            RELOADED,
            Instant.parse("2026-11-30T10:00:00Z"),
            "reload",
            List.of());

    byte[] bytes = CODEC.encodeControl(c);
    JsonNode json = JSON.readTree(bytes);

    assertThat(json.get("metadata").get("record-type").asText()).isEqualTo("control");
    assertThat(json.get("metadata").get("operation").asText()).isEqualTo("truncate-table");
    assertThat(json.get("metadata").get("schema-name").asText()).isEqualTo("dbo");
    assertThat(json.get("metadata").get("table-name").asText()).isEqualTo("T");
    assertThat(json.get("control").get("reason").asText()).isEqualTo("reload");
    assertThat(CODEC.decode(bytes)).isEqualTo(new Envelope.Control(c));
  }

  @Test
  void columnChangesNameTheirColumns() {
    ControlRecord c =
        new ControlRecord(
            ControlOperation.ADD_COLUMN,
            TableId.of("dbo", "T"),
            SourceFile.of("s3://b/dbo/T/20261124-081833995.csv"),
            null,
            null,
            List.of("email", "phone"));

    Envelope e = CODEC.decode(CODEC.encodeControl(c));

    assertThat(((Envelope.Control) e).record()).isEqualTo(c);
    assertThat(e.table()).isEqualTo(TableId.of("dbo", "T"));
  }

  @Test
  void anUnknownControlOperationIsRefusedNamingIt() {
    String json =
        "{\"metadata\":{\"record-type\":\"control\",\"operation\":\"rename-table\","
            + "\"schema-name\":\"dbo\",\"table-name\":\"T\",\"source-uri\":\"s3://b/dbo/T/\"}}";

    assertThatThrownBy(() -> CODEC.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("rename-table");
  }

  @Test
  void aControlRecordIsNotAChangeRecord() {
    ControlRecord c =
        new ControlRecord(
            ControlOperation.DROP_TABLE,
            TableId.of("dbo", "T"),
            RELOADED,
            null,
            "table folder deleted",
            List.of());

    assertThatThrownBy(() -> CODEC.decodeRecord(CODEC.encodeControl(c)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("control record");
  }
}
