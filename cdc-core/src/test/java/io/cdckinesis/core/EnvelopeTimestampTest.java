package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnvelopeTimestampTest {

  @Test
  void formatsMicrosecondsLikeDmsAndKeepsNanoseconds() {
    assertThat(EnvelopeCodec.formatInstant(Instant.parse("2024-08-09T19:27:17Z")))
        .isEqualTo("2024-08-09T19:27:17.000000Z");
    assertThat(EnvelopeCodec.formatInstant(Instant.parse("0001-01-01T00:00:00.000001Z")))
        .isEqualTo("0001-01-01T00:00:00.000001Z");
    assertThat(EnvelopeCodec.formatInstant(Instant.parse("2024-08-09T19:27:17.123456789Z")))
        .isEqualTo("2024-08-09T19:27:17.123456789Z");
    assertThat(EnvelopeCodec.formatInstant(Instant.parse("+10000-01-01T00:00:00Z")))
        .isEqualTo("+10000-01-01T00:00:00.000000Z");
  }

  @Test
  void encodingOnManyThreadsAndTablesGivesTheSameBytesAsAlone() throws Exception {
    EnvelopeCodec codec = EnvelopeCodec.create();
    ChangeRecord a =
        ChangeRecord.builder()
            .operation(Operation.INSERT)
            .table("s", "a")
            .value("id", 1L)
            .primaryKey("id")
            .commitTimestamp(Instant.parse("2024-01-01T00:00:00Z"))
            .position("u1", 1, 1)
            .build();
    ChangeRecord b =
        ChangeRecord.builder()
            .operation(Operation.DELETE)
            .table("t", "b")
            .value("x", "é")
            .position("u2", 2, 3)
            .build();
    String ja = new String(codec.encode(a), java.nio.charset.StandardCharsets.UTF_8);
    String jb = new String(codec.encode(b), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(jb)
        .isEqualTo(
            "{\"data\":{\"x\":\"é\"},\"metadata\":{\"record-type\":\"data\",\"operation\":\"delete\","
                + "\"partition-key-type\":\"schema-table\",\"schema-name\":\"t\",\"table-name\":\"b\","
                + "\"source-uri\":\"u2\",\"source-row\":2,\"source-line\":3}}");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    ChangeRecord r = i % 2 == 0 ? a : b;
                    String json =
                        new String(codec.encode(r), java.nio.charset.StandardCharsets.UTF_8);
                    if (!json.equals(i % 2 == 0 ? ja : jb)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (var f : futures) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
