package io.cdckinesis.pipeline.consumer;

import static io.cdckinesis.pipeline.consumer.Changes.change;
import static io.cdckinesis.pipeline.consumer.Changes.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.TableHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The target database goes down for a while (a failover): the consumer must wait it out, with
 * Lambda retrying, and end with nothing dead-lettered and the replica right. Virtual time, with the
 * template's defaults (3 attempts per invocation, 10,000 event source mapping retries, records
 * retried for up to 12 hours).
 */
class OutageTest {

  private final VirtualTime time = new VirtualTime();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  /** The target: fails every call while it is down. */
  private final class Database extends TestReplica {
    Instant downFrom;
    Instant downUntil;
    int refused;

    @Override
    public synchronized void handle(ChangeInput in) {
      Instant now = time.instant();
      if (downFrom != null && !now.isBefore(downFrom) && now.isBefore(downUntil)) {
        refused++;
        throw new IllegalStateException("connection refused");
      }
      if ("poison".equals(in.record().value("id"))) {
        throw new CdcException("row violates a constraint, will never apply");
      }
      super.handle(in);
    }
  }

  private ChangeConsumer consumer(Database db) {
    return ChangeConsumer.builder()
        .handlers(TableHandlers.builder().defaultHandler(db).build())
        .deadLetters(deadLetters::add)
        .sleeper(time)
        .clock(time)
        .build();
  }

  /** 400 changes of 50 rows over 4 shards (a row's changes on one shard, in order). */
  private static List<StreamRecord> stream(long seed) {
    Random random = new Random(seed);
    List<StreamRecord> out = new ArrayList<>();
    for (int i = 1; i <= 400; i++) {
      int row = random.nextInt(50);
      Operation op = i <= 50 ? Operation.INSERT : Operation.UPDATE;
      ChangeRecord c = change("T", "r" + (i <= 50 ? i - 1 : row), op, i);
      out.add(record("shardId-00000000000" + (Math.abs(c.value("id").hashCode()) % 4), i, c));
    }
    return out;
  }

  private static TestReplica expected(List<StreamRecord> stream) {
    TestReplica r = new TestReplica();
    ChangeConsumer.builder()
        .handlers(TableHandlers.builder().defaultHandler(r).build())
        .deadLetters(d -> {})
        .build()
        .process(stream);
    return r;
  }

  @ParameterizedTest(name = "target down for {0} s")
  @ValueSource(ints = {10, 180})
  void anOutageOfTheTargetEndsWithNoDeadLetterAndTheReplicaRight(int seconds) {
    Database db = new Database();
    db.downFrom = time.instant().plusSeconds(2);
    db.downUntil = db.downFrom.plusSeconds(seconds);
    List<StreamRecord> stream = stream(seconds);
    // Each call of the target takes 50 ms, so the outage starts in the middle of the stream.
    ChangeConsumer slow =
        ChangeConsumer.builder()
            .handlers(
                TableHandlers.builder()
                    .defaultHandler(
                        new TestReplica() {
                          @Override
                          public void handle(ChangeInput in) {
                            time.sleep(Duration.ofMillis(50));
                            db.handle(in);
                          }
                        })
                    .build())
            .deadLetters(deadLetters::add)
            .sleeper(time)
            .clock(time)
            .build();
    SimulatedEventSourceMapping esm =
        new SimulatedEventSourceMapping(
            slow, time, 100, 10_000, Duration.ofHours(12), Duration.ofMinutes(2));

    esm.drain(stream, time.instant());

    assertThat(db.refused).as("the outage was hit").isPositive();
    assertThat(time.instant()).isAfter(db.downUntil);
    assertThat(deadLetters).isEmpty();
    assertThat(esm.givenUp).isEmpty();
    assertThat(db.appliedTwice()).isEmpty();
    assertThat(db.rows).isEqualTo(expected(stream).rows);
  }

  @Test
  void aPoisonRecordIsDeadLetteredAtOnceAndTheShardMovesOn() {
    Database db = new Database();
    List<StreamRecord> stream =
        List.of(
            record("shardId-000000000000", 1, change("T", "a", Operation.INSERT, 1)),
            record("shardId-000000000000", 2, change("T", "poison", Operation.INSERT, 2)),
            record("shardId-000000000000", 3, change("T", "b", Operation.INSERT, 3)));
    SimulatedEventSourceMapping esm =
        new SimulatedEventSourceMapping(
            consumer(db), time, 100, 10_000, Duration.ofHours(12), Duration.ofMinutes(2));
    Instant start = time.instant();

    esm.drain(stream, start);

    assertThat(esm.invocations).isEqualTo(1);
    assertThat(time.instant()).isEqualTo(start); // no retry, no wait
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.sequenceNumber()).isEqualTo("2");
              assertThat(d.attempts()).isEqualTo(1);
              assertThat(d.reason()).contains("refused it (CdcException)");
            });
    assertThat(db.rows).containsOnlyKeys("dbo.T|a", "dbo.T|b");
  }
}
