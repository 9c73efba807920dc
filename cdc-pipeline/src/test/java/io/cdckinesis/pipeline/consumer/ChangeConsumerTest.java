package io.cdckinesis.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.PayloadPointer;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
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
        public void handle(ChangeInput in) {
          ChangeRecord r = in.record();
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
    ChangeConsumer c = consumer().attemptsPerInvocation(2).build();

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
    ChangeConsumer c = consumer().attemptsPerInvocation(3).build();

    BatchResult r = c.process(List.of(record("s0", 1, change("T", "a", Operation.INSERT, 1))));

    assertThat(r.failedSequenceNumbers()).isEmpty();
    assertThat(r.handlerRetries()).isEqualTo(2);
    assertThat(seen).containsExactly("T:a:insert@1");
  }

  @Test
  void neverDeadLettersATransientFailureHoweverOftenItFails() {
    failuresLeft.put("a", 100);
    ChangeConsumer c = consumer().attemptsPerInvocation(2).build();
    List<StreamRecord> batch =
        List.of(
            record("s0", 1, change("T", "a", Operation.INSERT, 1)),
            record("s0", 2, change("T", "b", Operation.INSERT, 2)));

    for (int invocation = 0; invocation < 50; invocation++) {
      assertThat(c.process(batch).failedSequenceNumbers()).containsExactly("1");
    }
    BatchResult last = c.process(batch); // the target is back at the 101st attempt

    assertThat(last.failedSequenceNumbers()).isEmpty();
    assertThat(deadLetters).isEmpty();
    assertThat(seen).containsExactly("T:a:insert@1", "T:b:insert@2");
  }

  @Test
  void handsEachCallItsContextAndCountsAttemptsAcrossRedeliveries() {
    List<ChangeInput> inputs = new ArrayList<>();
    failuresLeft.put("a", 3);
    TableHandler capturing =
        new TableHandler() {
          @Override
          public void handle(ChangeInput in) {
            inputs.add(in);
            recording.handle(in);
          }
        };
    ChangeConsumer c =
        consumer()
            .handlers(TableHandlers.builder().defaultHandler(capturing).build())
            .attemptsPerInvocation(2)
            .build();
    StreamRecord a = record("shardId-000000000007", 42, change("T", "a", Operation.INSERT, 1));

    c.process(List.of(a), () -> Duration.ofMinutes(5));
    c.process(List.of(a), () -> Duration.ofMinutes(5));

    assertThat(inputs).extracting(ChangeInput::attempt).containsExactly(1, 2, 3, 4);
    ChangeInput last = inputs.get(3);
    assertThat(last.shardId()).isEqualTo("shardId-000000000007");
    assertThat(last.sequenceNumber()).isEqualTo("42");
    assertThat(last.subSequenceNumber()).isZero();
    assertThat(last.rowKey()).isEqualTo("dbo.T|a");
    assertThat(last.keyValues()).containsExactly("a");
    assertThat(last.position().row()).isEqualTo(1);
    assertThat(last.remainingTime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(seen).containsExactly("T:a:insert@1");
  }

  @Test
  void retriesNoLongerThanTheInvocationHasTime() {
    failuresLeft.put("a", 100);
    List<Duration> slept = new ArrayList<>();
    ChangeConsumer c =
        consumer()
            .attemptsPerInvocation(10)
            .retryBackoff(Duration.ofSeconds(2))
            .sleeper(slept::add)
            .build();

    BatchResult r =
        c.process(
            List.of(record("s0", 1, change("T", "a", Operation.INSERT, 1))),
            () -> Duration.ofMillis(1_500));

    assertThat(slept).isEmpty(); // a 2 s backoff would end too close to the deadline
    assertThat(r.failedSequenceNumbers()).containsExactly("1");
  }

  @Test
  void givesBatchHooksToEachHandlerUsedAndCommitsAtTheEnd() {
    List<String> calls = new ArrayList<>();
    class Hooked extends TableHandler {
      final String name;
      boolean failCommit;

      Hooked(String name) {
        this.name = name;
      }

      @Override
      public void onBatchStart(BatchInput in) {
        calls.add(name + " start " + in.shardId() + " " + in.records());
      }

      @Override
      public void handle(ChangeInput in) {
        calls.add(name + " " + in.record().value("id"));
        recording.handle(in);
      }

      @Override
      public void onBatchEnd(BatchInput in) {
        calls.add(name + " end" + (in.failed() ? " failed" : ""));
        if (failCommit) {
          throw new IllegalStateException("commit failed");
        }
      }
    }
    Hooked t = new Hooked("T");
    Hooked u = new Hooked("U");
    failuresLeft.put("c", 100);
    ChangeConsumer c =
        consumer()
            .handlers(TableHandlers.builder().register("dbo.T", t).register("dbo.U", u).build())
            .attemptsPerInvocation(1)
            .build();
    List<StreamRecord> batch =
        List.of(
            record("s0", 1, change("T", "a", Operation.INSERT, 1)),
            record("s0", 2, change("U", "b", Operation.INSERT, 2)),
            record("s0", 3, change("T", "c", Operation.INSERT, 3)),
            record("s0", 4, change("U", "d", Operation.INSERT, 4)));

    BatchResult first = c.process(batch);

    assertThat(calls)
        .containsExactly(
            "T start s0 4", "T a", "U start s0 4", "U b", "T c", "T end failed", "U end");
    assertThat(first.failedSequenceNumbers()).containsExactly("3");

    // A commit that fails makes the batch come back from the first change given to that handler.
    calls.clear();
    failuresLeft.clear();
    u.failCommit = true;
    BatchResult second = c.process(batch.subList(2, 4));

    assertThat(second.failedSequenceNumbers()).containsExactly("4");
  }

  @Test
  void deadLettersANonRetryableFailureAtOnceWithoutRecordingItAsApplied() {
    failuresLeft.put("a", -1);
    InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore();
    ChangeConsumer c = consumer().appliedPositions(store).build();

    BatchResult r =
        c.process(
            List.of(
                record("s0", 1, change("T", "a", Operation.INSERT, 1)),
                record("s0", 2, change("T", "b", Operation.INSERT, 2))));

    assertThat(r.failedSequenceNumbers()).isEmpty();
    assertThat(r.deadLettered()).isEqualTo(1);
    assertThat(store.lastApplied("dbo.T|a")).isEmpty();
    assertThat(store.lastApplied("dbo.T|b")).isPresent();
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
