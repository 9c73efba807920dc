package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.PayloadPointer;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.PayloadStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeConsumerTest {

  private static final EnvelopeCodec CODEC = EnvelopeCodec.create();
  private static final String CDC = "s3://b/dbo/T/20240101-000000000.csv";

  private final List<String> seen = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final Map<String, Integer> failuresLeft = new HashMap<>();

  /** Records what it handles; fails for chosen ids as many times as configured. */
  private final TableHandler recording =
      new TableHandler() {
        @Override
        public void handle(ChangeRecord r) {
          String id = (String) r.value("id");
          Integer left = failuresLeft.get(id);
          if (left != null && left != 0) {
            failuresLeft.put(id, left - 1);
            throw left < 0 ? new PermanentFailure() : new IllegalStateException("transient");
          }
          seen.add(
              r.table() + ":" + id + ":" + r.operation().wireName() + "@" + r.position().row());
        }
      };

  static final class PermanentFailure extends io.cdckinesis.core.CdcException {
    PermanentFailure() {
      super("cannot ever apply this");
    }
  }

  private ChangeConsumer.Builder consumer() {
    return ChangeConsumer.builder()
        .handlers(TableHandlers.builder().defaultHandler(recording).build())
        .deadLetters(deadLetters::add)
        .retryBackoff(Duration.ofMillis(1));
  }

  private static ChangeRecord change(String table, String id, Operation op, long row) {
    return ChangeRecord.builder()
        .operation(op)
        .table("dbo", table)
        .primaryKey("id")
        .value("id", id)
        .value("v", "x" + row)
        .position(CDC, row, row + 1)
        .build();
  }

  private static StreamRecord record(String shard, long seq, ChangeRecord change) {
    return new StreamRecord(shard, Long.toString(seq), CODEC.encode(change), null);
  }

  @Test
  void dispatchesInOrderAndSkipsRedeliveredAndSupersededChanges() {
    ChangeConsumer c = consumer().build();
    StreamRecord a1 = record("s0", 1, change("T", "a", Operation.INSERT, 1));
    StreamRecord a2 = record("s0", 2, change("T", "a", Operation.UPDATE, 2));
    StreamRecord b1 = record("s0", 3, change("U", "b", Operation.INSERT, 3));

    BatchResult first = c.process(List.of(a1, a2, b1));
    BatchResult again =
        c.process(List.of(a1, a2, b1, record("s0", 4, change("T", "a", Operation.DELETE, 4))));

    assertThat(first.failedSequenceNumbers()).isEmpty();
    assertThat(first.applied()).isEqualTo(3);
    assertThat(again.duplicates()).isEqualTo(3);
    assertThat(seen)
        .containsExactly("T:a:insert@1", "T:a:update@2", "U:b:insert@3", "T:a:delete@4");
  }

  @Test
  void stopsAShardAtTheFirstFailureAndReportsItsSequenceNumber() {
    failuresLeft.put("b", 100); // keeps failing (transiently) within this batch
    ChangeConsumer c = consumer().attemptsPerBatch(2).maxAttempts(10).build();

    BatchResult r =
        c.process(
            List.of(
                record("s0", 1, change("T", "a", Operation.INSERT, 1)),
                record("s0", 2, change("T", "b", Operation.INSERT, 2)),
                record("s0", 3, change("T", "c", Operation.INSERT, 3)),
                record("s1", 7, change("T", "d", Operation.INSERT, 4))));

    assertThat(r.failedSequenceNumbers()).containsExactly("2");
    assertThat(seen).containsExactly("T:a:insert@1", "T:d:insert@4");
    assertThat(r.handlerRetries()).isEqualTo(1);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void retriesATransientFailureWithinTheBatch() {
    failuresLeft.put("a", 2);
    ChangeConsumer c = consumer().attemptsPerBatch(3).build();

    BatchResult r = c.process(List.of(record("s0", 1, change("T", "a", Operation.INSERT, 1))));

    assertThat(r.failedSequenceNumbers()).isEmpty();
    assertThat(r.handlerRetries()).isEqualTo(2);
    assertThat(seen).containsExactly("T:a:insert@1");
  }

  @Test
  void deadLettersAChangeAfterMaxAttemptsAcrossBatchesAndMovesOn() {
    failuresLeft.put("a", 100);
    ChangeConsumer c = consumer().attemptsPerBatch(2).maxAttempts(5).build();
    List<StreamRecord> batch =
        List.of(
            record("s0", 1, change("T", "a", Operation.INSERT, 1)),
            record("s0", 2, change("T", "b", Operation.INSERT, 2)));

    BatchResult r1 = c.process(batch); // attempts 1-2
    BatchResult r2 = c.process(batch); // attempts 3-4
    BatchResult r3 = c.process(batch); // attempt 5: given up

    assertThat(r1.failedSequenceNumbers()).containsExactly("1");
    assertThat(r2.failedSequenceNumbers()).containsExactly("1");
    assertThat(r3.failedSequenceNumbers()).isEmpty();
    assertThat(r3.deadLettered()).isEqualTo(1);
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.attempts()).isEqualTo(5);
              assertThat(d.sequenceNumber()).isEqualTo("1");
              assertThat(d.position().row()).isEqualTo(1);
              assertThat(d.reason()).contains("failed 5 times");
              assertThat(CODEC.decodeRecord(d.data()).value("id")).isEqualTo("a");
            });
    assertThat(seen).containsExactly("T:b:insert@2");
  }

  @Test
  void deadLettersANonRetryableFailureAtOnce() {
    failuresLeft.put("a", -1);
    ChangeConsumer c = consumer().build();

    BatchResult r =
        c.process(
            List.of(
                record("s0", 1, change("T", "a", Operation.INSERT, 1)),
                record("s0", 2, change("T", "b", Operation.INSERT, 2))));

    assertThat(r.failedSequenceNumbers()).isEmpty();
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.attempts()).isEqualTo(1);
              assertThat(d.errorType()).isEqualTo(PermanentFailure.class.getName());
            });
    assertThat(seen).containsExactly("T:b:insert@2");
  }

  @Test
  void deadLettersWhatCannotBeDecodedWithoutBlockingTheShard() {
    ChangeConsumer c = consumer().build();
    byte[] junk = "{\"not\": \"an envelope\"}".getBytes(StandardCharsets.UTF_8);

    BatchResult r =
        c.process(
            List.of(
                new StreamRecord("s0", "1", junk, null),
                record("s0", 2, change("T", "b", Operation.INSERT, 2))));

    assertThat(r.failedSequenceNumbers()).isEmpty();
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.position()).isNull();
              assertThat(d.reason()).startsWith("cannot decode");
              assertThat(d.data()).isEqualTo(junk);
            });
    assertThat(seen).containsExactly("T:b:insert@2");
  }

  @Test
  void aFailingDeadLetterSinkLeavesTheRecordForRetry() {
    ChangeConsumer c =
        consumer()
            .deadLetters(
                d -> {
                  throw new IllegalStateException("queue down");
                })
            .build();

    BatchResult r = c.process(List.of(new StreamRecord("s0", "9", new byte[] {1, 2}, null)));

    assertThat(r.failedSequenceNumbers()).containsExactly("9");
  }

  @Test
  void resolvesOversizePointersAndRejectsTamperedPayloads() throws Exception {
    ChangeRecord big = change("T", "a", Operation.INSERT, 1);
    byte[] full = CODEC.encode(big);
    Map<String, byte[]> stored = new HashMap<>();
    stored.put("s3://state/oversize/a", full);
    stored.put("s3://state/oversize/tampered", "{}".getBytes(StandardCharsets.UTF_8));
    PayloadStore payloads =
        new PayloadStore() {
          @Override
          public String put(String name, byte[] payload) {
            throw new UnsupportedOperationException();
          }

          @Override
          public byte[] get(String uri) {
            if (uri.endsWith("down")) {
              throw new StoreException("throttled", null, true);
            }
            return stored.get(uri);
          }
        };
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(full));
    ChangeConsumer c = consumer().payloadStore(payloads).build();

    BatchResult ok =
        c.process(
            List.of(
                new StreamRecord(
                    "s0",
                    "1",
                    CODEC.encodePointer(
                        big, new PayloadPointer("s3://state/oversize/a", full.length, sha)),
                    null)));
    BatchResult tampered =
        c.process(
            List.of(
                new StreamRecord(
                    "s0",
                    "2",
                    CODEC.encodePointer(
                        change("T", "z", Operation.INSERT, 9),
                        new PayloadPointer("s3://state/oversize/tampered", 2, sha)),
                    null)));
    BatchResult unavailable =
        c.process(
            List.of(
                new StreamRecord(
                    "s0",
                    "3",
                    CODEC.encodePointer(
                        change("T", "y", Operation.INSERT, 10),
                        new PayloadPointer("s3://state/oversize/down", full.length, sha)),
                    null)));

    assertThat(ok.applied()).isEqualTo(1);
    assertThat(seen).containsExactly("T:a:insert@1");
    assertThat(tampered.deadLettered()).isEqualTo(1);
    assertThat(deadLetters.get(0).reason()).contains("does not match its pointer");
    assertThat(unavailable.failedSequenceNumbers()).containsExactly("3");
  }

  @Test
  void reportsTheAgeOfTheNewestChange() {
    ChangeConsumer c =
        consumer()
            .clock(
                java.time.Clock.fixed(
                    java.time.Instant.parse("2026-01-01T00:01:00Z"), java.time.ZoneOffset.UTC))
            .build();
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(Operation.INSERT)
            .table("dbo", "T")
            .value("id", "a")
            .commitTimestamp(java.time.Instant.parse("2026-01-01T00:00:00Z"))
            .position(CDC, 1, 1)
            .build();

    BatchResult result = c.process(List.of(new StreamRecord("s0", "1", CODEC.encode(r), null)));

    assertThat(result.newestChangeAge()).isEqualTo(Duration.ofMinutes(1));
  }
}
