package io.cdckinesis.pipeline.consumer;

import static io.cdckinesis.pipeline.consumer.Changes.change;
import static io.cdckinesis.pipeline.consumer.Changes.control;
import static io.cdckinesis.pipeline.consumer.Changes.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.KeepsPositions;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.core.spi.TruncateInput;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Load generations: a reset (truncate, drop, reload) starts a newer generation; the consumer never
 * applies a record of an older one after it, and the replica ends with only rows of the newest.
 */
class GenerationFencingTest {

  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore();

  private ChangeConsumer consumer(TestReplica replica) {
    return consumer(replica, store);
  }

  private ChangeConsumer consumer(TestReplica replica, AppliedPositionStore positions) {
    return ChangeConsumer.builder()
        .handlers(TableHandlers.builder().defaultHandler(replica).build())
        .appliedPositions(positions)
        .deadLetters(deadLetters::add)
        .build();
  }

  @Test
  void aResetRemovesTheRowsOfOlderGenerationsAndStaleRecordsAreSkipped() {
    TestReplica replica = new TestReplica();
    ChangeConsumer c = consumer(replica);

    c.process(
        List.of(
            record("s0", 1, change("T", "a", Operation.LOAD, 1, 0)),
            record("s0", 2, change("T", "b", Operation.LOAD, 2, 0))));
    BatchResult reload =
        c.process(
            List.of(
                record("s0", 3, control(ControlOperation.TRUNCATE_TABLE, "T", 1)),
                record("s0", 4, change("T", "a", Operation.LOAD, 1, 1))));
    // A late record of the old generation (a stale producer, a slow shard).
    BatchResult late =
        c.process(List.of(record("s0", 5, change("T", "b", Operation.UPDATE, 9, 0))));

    assertThat(replica.rows).containsOnlyKeys("dbo.T|a");
    assertThat(replica.rows.get("dbo.T|a").generation()).isEqualTo(1);
    assertThat(reload.resets()).isEqualTo(1);
    assertThat(late.stale()).isEqualTo(1);
    assertThat(late.applied()).isZero();
    assertThat(store.generation(TableId.of("dbo", "T"))).isEqualTo(1);
    assertThat(replica.events).contains("reset dbo.T to 1");
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void aRecordOfANewerGenerationResetsTheTableEvenWithoutAControlRecord() {
    TestReplica replica = new TestReplica();
    List<TruncateInput> resets = new ArrayList<>();
    TestReplica watching =
        new TestReplica() {
          @Override
          public synchronized void onTruncate(TruncateInput in) {
            resets.add(in);
            super.onTruncate(in);
          }
        };
    ChangeConsumer c = consumer(watching);

    c.process(
        List.of(
            record("s0", 1, change("T", "a", Operation.LOAD, 1, 3)),
            record("s0", 2, change("T", "b", Operation.INSERT, 2, 3)),
            record("s0", 3, change("T", "a", Operation.LOAD, 1, 4))));

    assertThat(watching.rows).containsOnlyKeys("dbo.T|a");
    assertThat(resets).hasSize(2);
    assertThat(resets.get(1).reason()).isEqualTo("reload");
    assertThat(resets.get(1).control()).isEmpty();
    assertThat(resets.get(1).previousGeneration()).isEqualTo(3);
    assertThat(resets.get(1).generation()).isEqualTo(4);
    assertThat(replica.rows).isEmpty();
  }

  @Test
  void copiesOfAResetOnEveryShardAndRedeliveriesAreHarmless() {
    TestReplica replica = new TestReplica();
    ChangeConsumer c = consumer(replica);
    List<StreamRecord> s0 =
        List.of(
            record("s0", 1, change("T", "a", Operation.LOAD, 1, 0)),
            record("s0", 2, control(ControlOperation.DROP_TABLE, "T", 1)),
            record("s0", 3, change("T", "a", Operation.LOAD, 1, 1)));
    List<StreamRecord> s1 =
        List.of(
            record("s1", 1, change("T", "b", Operation.LOAD, 2, 0)),
            record("s1", 2, control(ControlOperation.DROP_TABLE, "T", 1)),
            record("s1", 3, change("T", "c", Operation.LOAD, 3, 1)));

    c.process(s0);
    c.process(s1);
    BatchResult again = c.process(Changes.concat(s0, s1)); // everything delivered once more

    assertThat(replica.rows).containsOnlyKeys("dbo.T|a", "dbo.T|c");
    assertThat(replica.appliedTwice()).isEmpty();
    assertThat(again.applied()).isZero();
    assertThat(again.stale()).isEqualTo(2); // the two rows of generation 0
    assertThat(replica.events)
        .filteredOn(e -> e.startsWith("reset"))
        .containsExactly(
            "reset dbo.T to 1",
            "reset dbo.T to 1 again",
            "reset dbo.T to 1 again",
            "reset dbo.T to 1 again");
  }

  @Test
  void rowsAShardAppliesLateDuringAResetAreRemovedByItsOwnCopyOfTheReset() {
    // Shard s1 reads a batch while shard s0 (another consumer, same store) resets the table.
    InMemoryAppliedPositionStore shared = new InMemoryAppliedPositionStore();
    TestReplica target = new TestReplica();
    ChangeConsumer other = consumer(target, shared);
    boolean[] raced = {false};
    TestReplica racing =
        new TestReplica() {
          @Override
          public synchronized void handle(ChangeInput in) {
            if (!raced[0]) {
              raced[0] = true;
              other.process(
                  List.of(
                      record("s0", 1, control(ControlOperation.TRUNCATE_TABLE, "T", 1)),
                      record("s0", 2, change("T", "a", Operation.LOAD, 1, 1))));
            }
            target.handle(in);
          }

          @Override
          public synchronized void onTruncate(TruncateInput in) {
            target.onTruncate(in);
          }
        };
    ChangeConsumer mine = consumer(racing, shared);

    // Its first batch read the table's generation before the reset: its rows go in late.
    mine.process(
        List.of(
            record("s1", 1, change("T", "b", Operation.INSERT, 5, 0)),
            record("s1", 2, change("T", "c", Operation.INSERT, 6, 0))));
    assertThat(target.rows).containsOnlyKeys("dbo.T|a", "dbo.T|b", "dbo.T|c");
    // Its copy of the reset comes after them on its shard, and removes them again.
    mine.process(
        List.of(
            record("s1", 3, control(ControlOperation.TRUNCATE_TABLE, "T", 1)),
            record("s1", 4, change("T", "d", Operation.LOAD, 4, 1))));

    assertThat(target.rows).containsOnlyKeys("dbo.T|a", "dbo.T|d");
  }

  @Test
  void shardsReadInEitherOrderAfterAReshardGiveTheSameReplica() {
    List<StreamRecord> parent =
        List.of(
            record("parent", 1, change("T", "a", Operation.INSERT, 1, 0)),
            record("parent", 2, control(ControlOperation.TRUNCATE_TABLE, "T", 1)),
            record("parent", 3, change("T", "a", Operation.LOAD, 1, 1)),
            record("parent", 4, change("T", "b", Operation.LOAD, 2, 1)),
            record("parent", 5, change("T", "a", Operation.UPDATE, 5, 1)));
    List<StreamRecord> child =
        List.of(
            record("child", 1, control(ControlOperation.TRUNCATE_TABLE, "T", 1)),
            record("child", 2, change("T", "b", Operation.UPDATE, 6, 1)),
            record("child", 3, change("T", "a", Operation.DELETE, 7, 1)),
            record("child", 4, change("T", "a", Operation.UPDATE, 3, 1))); // stale duplicate

    TestReplica parentFirst = new TestReplica();
    ChangeConsumer p1 = consumer(parentFirst, new InMemoryAppliedPositionStore());
    p1.process(parent);
    p1.process(child);
    TestReplica childFirst = new TestReplica();
    InMemoryAppliedPositionStore positions = new InMemoryAppliedPositionStore();
    consumer(childFirst, positions).process(child);
    consumer(childFirst, positions).process(parent); // a fresh consumer, the same store

    assertThat(parentFirst.rows).containsOnlyKeys("dbo.T|b");
    assertThat(childFirst.rows).isEqualTo(parentFirst.rows);
    assertThat(childFirst.rows.get("dbo.T|b").values()).containsExactly("b", "x6");
  }

  @Test
  void aColumnChangeIsHandedOverOnceWhateverTheNumberOfCopies() {
    TestReplica replica = new TestReplica();
    ChangeConsumer c = consumer(replica);

    BatchResult r =
        c.process(
            List.of(
                record("s0", 1, control(ControlOperation.ADD_COLUMN, "T", 0, "email")),
                record("s1", 1, control(ControlOperation.ADD_COLUMN, "T", 0, "email")),
                record("s2", 1, control(ControlOperation.DROP_COLUMN, "T", 0, "fax"))));
    c.process(List.of(record("s3", 1, control(ControlOperation.ADD_COLUMN, "T", 0, "email"))));

    assertThat(replica.events).containsExactly("add-column [email]", "drop-column [fax]");
    assertThat(r.schemaChanges()).isEqualTo(2);
    assertThat(r.duplicates()).isEqualTo(1);
  }

  /** A target keeping positions and generations itself: the consumer uses no store for it. */
  static class SelfTracking extends TestReplica implements KeepsPositions {
    final Map<String, SourcePosition> positions = new HashMap<>();
    final List<String> handed = new ArrayList<>();
    long generation;

    @Override
    public synchronized void handle(ChangeInput in) {
      handed.add(in.rowKey() + "@" + in.position().row());
      SourcePosition last = positions.get(in.rowKey());
      if (last == null || in.position().sortKey().compareTo(last.sortKey()) > 0) {
        positions.put(in.rowKey(), in.position());
        super.handle(in);
      }
    }

    @Override
    public synchronized void onTruncate(TruncateInput in) {
      super.onTruncate(in);
      generation = Math.max(generation, in.generation());
    }

    @Override
    public synchronized long generation(TableId table) {
      return generation;
    }
  }

  @Test
  void aHandlerThatKeepsPositionsGetsDuplicatesAndNoStoreIsUsed() {
    SelfTracking target = new SelfTracking();
    target.generation = 2;
    AppliedPositionStore unusable =
        new AppliedPositionStore() {
          @Override
          public Map<String, SourcePosition> lastApplied(Collection<String> rowKeys) {
            throw new AssertionError("no store for a handler that keeps positions");
          }

          @Override
          public boolean markApplied(String rowKey, SourcePosition position) {
            throw new AssertionError("no store for a handler that keeps positions");
          }

          @Override
          public long generation(TableId table) {
            throw new AssertionError("no store for a handler that keeps positions");
          }

          @Override
          public long raiseGeneration(TableId table, long generation) {
            throw new AssertionError("no store for a handler that keeps positions");
          }
        };
    ChangeConsumer c = consumer(target, unusable);
    List<StreamRecord> batch =
        List.of(
            record("s0", 1, change("T", "old", Operation.INSERT, 1, 1)),
            record("s0", 2, change("T", "a", Operation.INSERT, 2, 2)),
            record("s0", 3, change("T", "a", Operation.UPDATE, 3, 2)));

    BatchResult first = c.process(batch);
    BatchResult again = c.process(batch);

    assertThat(first.stale()).isEqualTo(1);
    assertThat(again.stale()).isEqualTo(1);
    assertThat(target.handed).containsExactly("dbo.T|a@2", "dbo.T|a@3", "dbo.T|a@2", "dbo.T|a@3");
    assertThat(target.appliedTwice()).isEmpty();
    assertThat(target.rows.get("dbo.T|a").values()).containsExactly("a", "x3");
  }

  /** Keeps positions, but reading its generation fails the first {@code failures} times. */
  static final class GenerationFails extends SelfTracking {
    final RuntimeException failure;
    int failures;
    boolean inBatch;
    final List<Boolean> askedInBatch = new ArrayList<>();

    GenerationFails(RuntimeException failure, int failures) {
      this.failure = failure;
      this.failures = failures;
    }

    @Override
    public synchronized void onBatchStart(BatchInput in) {
      inBatch = true;
    }

    @Override
    public synchronized void onBatchEnd(BatchInput in) {
      inBatch = false;
    }

    @Override
    public synchronized long generation(TableId table) {
      askedInBatch.add(inBatch);
      if (failures > 0) {
        failures--;
        throw failure;
      }
      return super.generation(table);
    }
  }

  private ChangeConsumer consumerRetrying(TestReplica replica, int attempts) {
    return ChangeConsumer.builder()
        .handlers(TableHandlers.builder().defaultHandler(replica).build())
        .deadLetters(deadLetters::add)
        .attemptsPerInvocation(attempts)
        .sleeper(d -> {})
        .build();
  }

  private static final List<StreamRecord> TWO_CHANGES =
      List.of(
          record("s0", 1, change("T", "a", Operation.INSERT, 1, 0)),
          record("s0", 2, change("T", "b", Operation.INSERT, 2, 0)));

  @Test
  void aGenerationReadThatFailsBrieflyIsRetriedInsideTheHandlersBatch() {
    GenerationFails target = new GenerationFails(new IllegalStateException("database away"), 2);

    BatchResult r = consumerRetrying(target, 3).process(TWO_CHANGES);

    assertThat(r.hasFailures()).isFalse();
    assertThat(r.applied()).isEqualTo(2);
    assertThat(r.handlerRetries()).isEqualTo(2);
    assertThat(target.askedInBatch).containsOnly(true);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void aGenerationReadThatKeepsFailingStopsTheShardAtThatRecordWithoutDeadLetters() {
    GenerationFails target = new GenerationFails(new IllegalStateException("database away"), 5);

    BatchResult r = consumerRetrying(target, 3).process(TWO_CHANGES);

    assertThat(r.failedSequenceNumbers()).containsExactly("1");
    assertThat(r.applied()).isZero();
    assertThat(deadLetters).isEmpty();
    assertThat(target.rows).isEmpty();
  }

  @Test
  void aGenerationReadRefusedForGoodDeadLettersTheRecordAndTheShardGoesOn() {
    GenerationFails target = new GenerationFails(new CdcException("no such target table"), 1);

    BatchResult r = consumerRetrying(target, 3).process(TWO_CHANGES);

    assertThat(r.hasFailures()).isFalse();
    assertThat(deadLetters).hasSize(1);
    assertThat(deadLetters.get(0).sequenceNumber()).isEqualTo("1");
    assertThat(deadLetters.get(0).reason()).contains("generation of dbo.T");
    assertThat(target.rows).containsOnlyKeys("dbo.T|b");
  }
}
