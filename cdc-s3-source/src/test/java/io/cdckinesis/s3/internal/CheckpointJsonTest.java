package io.cdckinesis.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.spi.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointJsonTest {

  private static Checkpoint full() {
    return new Checkpoint(
        "s3://dms-out/dbo/My Table/北京 LOAD00000001.csv",
        "\"9b2cf535f27731c974343645a3985328\"",
        new ReadProgress(500, 502, 40_960, List.of("Op", "id", "name,with comma", "\"quoted\"")),
        false,
        "invocation-3f1c",
        Instant.parse("2026-01-02T03:04:05.123456789Z"));
  }

  @Test
  void roundTripsEveryField() {
    Checkpoint c = full();
    assertThat(CheckpointJson.decode(CheckpointJson.encode(c))).isEqualTo(c);
  }

  @Test
  void roundTripsNullsAndTheStart() {
    Checkpoint c = new Checkpoint("s3://b/k", null, ReadProgress.START, true, null, null);
    assertThat(CheckpointJson.decode(CheckpointJson.encode(c))).isEqualTo(c);
  }

  @Test
  void writesTheDocumentedLayout() {
    String json = new String(CheckpointJson.encode(full()), StandardCharsets.UTF_8);
    assertThat(json)
        .startsWith("{\"format\":1,\"objectUri\":\"s3://dms-out/dbo/My Table/")
        .contains(
            "\"progress\":{\"rowsDone\":500,\"nextLine\":502,\"nextByteOffset\":40960,\"header\":[\"Op\",")
        .contains("\"leaseUntil\":\"2026-01-02T03:04:05.123456789Z\"")
        .doesNotContain("\n");
  }

  @Test
  void ignoresFieldsItDoesNotKnow() {
    String json =
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"progress\":{\"rowsDone\":1,\"nextLine\":2,"
            + "\"nextByteOffset\":3,\"header\":[],\"extra\":1},\"complete\":true,\"later\":\"x\"}";
    Checkpoint c = CheckpointJson.decode(json.getBytes(StandardCharsets.UTF_8));
    assertThat(c.progress()).isEqualTo(new ReadProgress(1, 2, 3, List.of()));
    assertThat(c.owner()).isNull();
    assertThat(c.leaseUntil()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{\"format\":2,\"objectUri\":\"s3://b/k\"}",
        "{\"objectUri\":\"s3://b/k\"}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":true}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":true,\"progress\":{\"rowsDone\":1,\"nextLine\":1,\"nextByteOffset\":0}}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":true,\"progress\":{\"rowsDone\":\"1\",\"nextLine\":1,\"nextByteOffset\":0,\"header\":[]}}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":true,\"progress\":{\"rowsDone\":1,\"nextLine\":0,\"nextByteOffset\":0,\"header\":[]}}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":\"yes\",\"progress\":{\"rowsDone\":1,\"nextLine\":1,\"nextByteOffset\":0,\"header\":[]}}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":true,\"leaseUntil\":\"tomorrow\",\"progress\":{\"rowsDone\":1,\"nextLine\":1,\"nextByteOffset\":0,\"header\":[]}}",
        "{\"format\":1,\"complete\":true,\"progress\":{\"rowsDone\":1,\"nextLine\":1,\"nextByteOffset\":0,\"header\":[]}}",
        "{\"format\":1,\"objectUri\":\"s3://b/k\",\"complete\":true,\"progress\":{\"rowsDone\":1,\"nextLine\":1,\"nextByteOffset\":0,\"header\":[1]}}"
      })
  void refusesWhatIsNotACheckpoint(String json) {
    assertThatThrownBy(() -> CheckpointJson.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
