package io.cdckinesis.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.InMemoryStateStore;
import io.cdckinesis.core.spi.ObjectStore;
import io.cdckinesis.core.spi.RejectSink;
import io.cdckinesis.core.spi.WriteFence;
import io.cdckinesis.pipeline.testing.MemoryObjectStore;
import io.cdckinesis.pipeline.testing.ModelConsumer;
import io.cdckinesis.pipeline.testing.MutableClock;
import io.cdckinesis.pipeline.testing.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The producer engine over an in-memory bucket and state store: each scenario of issue 9, checked
 * by what a fencing consumer ends with.
 */
class ProducerEngineTest {

  private static final String BUCKET = "dms";
  private static final TableId T = TableId.of("dbo", "t");
  private static final String FOLDER = "dbo/t/";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
  private final MemoryObjectStore bucket = new MemoryObjectStore(clock);
  private final InMemoryStateStore states = new InMemoryStateStore();
  private final List<Object> stream = new ArrayList<>();
  private final AtomicReference<RuntimeException> crashAtWrite = new AtomicReference<>();
  private final AtomicLong writesBeforeCrash = new AtomicLong(Long.MAX_VALUE);
  private final AtomicReference<RuntimeException> crashAfterResetFlushed = new AtomicReference<>();

  private ProducerEngine engine() {
    return engine(DmsCsvSettings.defaults());
  }

  private ProducerEngine engine(DmsCsvSettings settings) {
    return ProducerEngine.builder()
        .settings(settings)
        .tables(
            TableDefinitions.of(
                TableDefinition.builder("dbo", "t").columns("id", "name").primaryKey("id").build()))
        .objects(bucket)
        .states(states)
        .sinks(this::sink)
        .rejectSinks((uri, owner) -> RejectSink.DISCARD)
        .checkpointEveryRows(2)
        .lease(Duration.ofSeconds(60), Duration.ofSeconds(10))
        .timeReserve(Duration.ofSeconds(5))
        .clock(clock)
        .build();
  }

  /** A sink that may "crash" the run after a number of writes (nothing unflushed survives). */
  private ChangeSink sink(WriteFence fence, RunContext run) {
    RecordingSink inner = new RecordingSink(stream, fence);
    return new ChangeSink() {
      @Override
      public void write(ChangeRecord record) {
        if (writesBeforeCrash.decrementAndGet() < 0) {
          throw crashAtWrite.get();
        }
        inner.write(record);
      }

      private boolean reset;

      @Override
      public void writeControl(ControlRecord record) {
        inner.writeControl(record);
        reset = true;
      }

      @Override
      public void flush() {
        inner.flush();
        if (reset && crashAfterResetFlushed.get() != null) {
          throw crashAfterResetFlushed.getAndSet(null);
        }
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  private ProducerResult event(String key) {
    return engine()
        .process(List.of(ObjectHint.created(BUCKET, key)), RunContext.unbounded("run-" + key));
  }

  private Map<String, List<Object>> replica() {
    ModelConsumer consumer = new ModelConsumer();
    consumer.accept(stream);
    return consumer.table(T);
  }

  private void put(String name, String content) {
    bucket.put(FOLDER + name, content);
    clock.advance(Duration.ofSeconds(2));
  }

  @Test
  void aChangeFileWhoseEventComesFirstWaitsForNobody() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    put("20261130-100010000.csv", "U,1,a1\nI,3,c\n");
    put("20261130-100020000.csv", "D,2,b\nU,3,c1\n");

    ProducerResult r = event(FOLDER + "20261130-100020000.csv"); // the last file's event first

    assertThat(r.count(ObjectOutcome.Status.COMPLETED)).isEqualTo(3);
    assertThat(replica()).isEqualTo(Map.of("[1]", List.of("1", "a1"), "[3]", List.of("3", "c1")));
    assertThat(event(FOLDER + "LOAD00000001.csv").count(ObjectOutcome.Status.COMPLETED)).isZero();
  }

  @Test
  void aFullLoadStartsAGenerationAnnouncedByAResetBeforeItsRows() {
    put("LOAD00000001.csv", "1,a\n");

    event(FOLDER + "LOAD00000001.csv");

    assertThat(stream.get(0)).isInstanceOf(ControlRecord.class);
    ControlRecord reset = (ControlRecord) stream.get(0);
    assertThat(reset.operation()).isEqualTo(ControlOperation.TRUNCATE_TABLE);
    assertThat(reset.generation()).isGreaterThan(0);
    assertThat(((ChangeRecord) stream.get(1)).position().generation())
        .isEqualTo(reset.generation());
  }

  @Test
  void changeFilesWithoutAFullLoadKeepGenerationZeroAndSendNoReset() {
    put("20261130-100010000.csv", "I,1,a\n");

    event(FOLDER + "20261130-100010000.csv");

    assertThat(stream).hasSize(1);
    assertThat(((ChangeRecord) stream.get(0)).position().generation()).isZero();
  }

  @Test
  void aReloadInPlaceSupersedesEverythingBeforeItAndRetiresTheOldLoadsLeftovers() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    put("LOAD00000002.csv", "5,e\n");
    put("20261130-100010000.csv", "U,1,a1\nI,3,c\n");
    event(FOLDER + "20261130-100010000.csv");

    // DO_NOTHING: LOAD00000001.csv is overwritten with the table as it is now; the old
    // LOAD00000002.csv stays behind (the new load has only one file).
    put("LOAD00000001.csv", "1,a2\n3,c\n");
    put("20261130-100030000.csv", "I,4,d\n");
    event(FOLDER + "LOAD00000001.csv");

    assertThat(replica())
        .isEqualTo(
            Map.of("[1]", List.of("1", "a2"), "[3]", List.of("3", "c"), "[4]", List.of("4", "d")));
    assertThat(stream.stream().filter(ControlRecord.class::isInstance)).hasSize(2);
  }

  @Test
  void aReloadAfterTheFolderWasDeletedIsOneGeneration() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    put("20261130-100010000.csv", "U,1,a1\n");
    event(FOLDER + "LOAD00000001.csv");

    // DROP_AND_CREATE: DMS deletes the table's objects, then writes the full load again.
    bucket.deleteFolder(FOLDER);
    engine()
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "20261130-100010000.csv", true)),
            RunContext.unbounded("delete-event"));
    assertThat(replica()).isEmpty();
    put("LOAD00000001.csv", "2,b2\n");
    event(FOLDER + "LOAD00000001.csv");

    assertThat(replica()).isEqualTo(Map.of("[2]", List.of("2", "b2")));
    assertThat(stream.stream().filter(ControlRecord.class::isInstance)).hasSize(2);
  }

  @Test
  void aDeleteEventForOneFileOfALiveTableResetsNothing() {
    put("LOAD00000001.csv", "1,a\n");
    put("20261130-100010000.csv", "I,2,b\n");
    event(FOLDER + "20261130-100010000.csv");

    bucket.delete(FOLDER + "20261130-100010000.csv"); // a user pruning old change files
    engine()
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "20261130-100010000.csv", true)),
            RunContext.unbounded("prune"));

    assertThat(replica()).hasSize(2);
  }

  /**
   * Found by the simulation (truncate seed 89): a truncate's delete event arrived while another run
   * held the table; it was answered "pending elsewhere", the holder never learnt of the deletion,
   * sent the next change file in the old generation, and the replica kept the truncated rows.
   */
  @Test
  void aTruncateWhoseEventMeetsAHeldLeaseIsRetriedAndResetsTheTableAfterAll() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");
    io.cdckinesis.pipeline.internal.Unit unit =
        new io.cdckinesis.pipeline.internal.Unit(BUCKET, FOLDER, T);
    var holder =
        io.cdckinesis.pipeline.internal.UnitLease.acquire(
                states, clock, Duration.ofSeconds(60), Duration.ofSeconds(10), "holder", unit)
            .orElseThrow();

    bucket.deleteFolder(FOLDER); // TRUNCATE at the source while the holder works
    ObjectHint deleted = new ObjectHint(BUCKET, FOLDER + "LOAD00000001.csv", true);
    assertThatThrownBy(
            () -> engine().process(List.of(deleted), RunContext.unbounded("delete-event")))
        .isInstanceOf(LeaseHeldException.class)
        .satisfies(e -> assertThat(((LeaseHeldException) e).isRetryable()).isTrue());

    holder.release();
    put("20261130-100010000.csv", "I,3,c\n"); // the next change, sent by the next run
    event(FOLDER + "20261130-100010000.csv");
    engine().process(List.of(deleted), RunContext.unbounded("delete-event")); // Lambda's retry

    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c")));
  }

  /**
   * Found by the simulation (full seed 57): a truncate whose delete event was lost was never
   * noticed (only the event could tell a deletion from a lifecycle expiry), and the replica kept
   * the rows.
   */
  @Test
  void aTruncateWhoseEventIsLostIsFoundByTheSweepWhileTheFullLoadIsTooYoungToExpire() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");

    bucket.deleteFolder(FOLDER); // TRUNCATE; its delete events never arrive
    put("20261130-100010000.csv", "I,3,c\n");
    engine().sweep(BUCKET, RunContext.unbounded("sweep"));

    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c")));
  }

  @Test
  void fullLoadFilesALifecycleRuleExpiredResetNothingWithoutADeleteEvent() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");
    clock.advance(Duration.ofDays(3));

    bucket.delete(FOLDER + "LOAD00000001.csv"); // expired by a rule: no delete event for it
    put("20261130-100010000.csv", "I,3,c\n");
    engine().sweep(BUCKET, RunContext.unbounded("sweep"));

    assertThat(replica()).hasSize(3);
  }

  @Test
  void anObjectOverwrittenAfterACrashMidReadIsSentAsItsNewVersionOnly() {
    put("LOAD00000001.csv", "1,a\n2,b\n3,c\n4,d\n5,e\n");
    crashAtWrite.set(new IllegalStateException("killed"));
    writesBeforeCrash.set(3); // two rows checkpointed, the third written but never flushed
    assertThatThrownBy(() -> event(FOLDER + "LOAD00000001.csv")).hasMessage("killed");
    writesBeforeCrash.set(Long.MAX_VALUE);

    put("LOAD00000001.csv", "1,x\n3,y\n");
    clock.advance(Duration.ofMinutes(2)); // the crashed run's lease expires
    event(FOLDER + "LOAD00000001.csv");

    assertThat(replica()).isEqualTo(Map.of("[1]", List.of("1", "x"), "[3]", List.of("3", "y")));
  }

  @Test
  void aCrashResumesFromTheCheckpointWithTheSamePositions() {
    put("LOAD00000001.csv", "1,a\n2,b\n3,c\n4,d\n5,e\n");
    crashAtWrite.set(new IllegalStateException("killed"));
    writesBeforeCrash.set(3);
    assertThatThrownBy(() -> event(FOLDER + "LOAD00000001.csv")).hasMessage("killed");
    writesBeforeCrash.set(Long.MAX_VALUE);
    clock.advance(Duration.ofMinutes(2));

    event(FOLDER + "LOAD00000001.csv");

    assertThat(replica()).hasSize(5);
    // Rows 1-2 were checkpointed before the crash; the rest is sent again from there, under the
    // same positions (a row written before the crash may reach the stream twice: harmless).
    List<Object> rows = stream.stream().filter(ChangeRecord.class::isInstance).toList();
    assertThat(rows.stream().map(r -> ((ChangeRecord) r).position()).distinct()).hasSize(5);
    assertThat(rows).hasSizeLessThanOrEqualTo(6);
  }

  @Test
  void lostTableStateReplaysTheTableAsANewGenerationAndEndsRight() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    put("20261130-100010000.csv", "U,1,a1\n");
    event(FOLDER + "20261130-100010000.csv");

    states.delete("tables/" + BUCKET + "/dbo/t");
    put("20261130-100020000.csv", "D,2,b\n");
    event(FOLDER + "20261130-100020000.csv");

    assertThat(replica()).isEqualTo(Map.of("[1]", List.of("1", "a1")));
  }

  /**
   * Found by the simulation (full seeds 74 and 114): the table's state was deleted, then the table
   * truncated before any run looked at it again; the delete events found no state and an empty
   * folder, the run did nothing, and the replica kept the truncated rows.
   */
  @Test
  void aTruncateAfterTheTableStateWasLostStillResetsTheTable() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");

    states.delete("tables/" + BUCKET + "/dbo/t");
    bucket.deleteFolder(FOLDER); // TRUNCATE at the source
    clock.advance(Duration.ofSeconds(1));
    engine()
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "LOAD00000001.csv", true)),
            RunContext.unbounded("delete-event"));
    assertThat(replica()).isEmpty();

    put("20261130-100010000.csv", "I,3,c\n");
    event(FOLDER + "20261130-100010000.csv");
    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c")));
  }

  /**
   * Found by the simulation (full seed 1399): the same, when the delete events come after the next
   * change file (they met a lease): no full load left, and the change file alone went out in
   * generation 0, which the consumer skipped as stale.
   */
  @Test
  void aTruncateAfterTheTableStateWasLostResetsTheTableAlsoWhenChangesFollowedIt() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");

    states.delete("tables/" + BUCKET + "/dbo/t");
    bucket.deleteFolder(FOLDER); // TRUNCATE at the source
    put("20261130-100010000.csv", "I,3,c\n");
    engine()
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "LOAD00000001.csv", true)),
            RunContext.unbounded("delete-event"));

    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c")));
  }

  /**
   * Found by the simulation (full seed 3000189): the same, when the run of the next change file
   * came first. It found no full load and sent the file in generation 0, which the consumer skipped
   * as stale; the full load's delete event then met a state at generation 0 that had sent changes,
   * and the table was never reset.
   */
  @Test
  void aFullLoadsDeleteEventAfterChangesWentOutInGenerationZeroStillResetsTheTable() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");

    states.delete("tables/" + BUCKET + "/dbo/t");
    bucket.deleteFolder(FOLDER); // TRUNCATE at the source; its delete events are late
    put("20261130-100010000.csv", "I,3,c\n");
    event(FOLDER + "20261130-100010000.csv");
    assertThat(replica()).containsKeys("[1]", "[2]"); // generation 0: skipped as stale

    engine()
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "LOAD00000001.csv", true)),
            RunContext.unbounded("delete-event"));
    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c")));

    engine() // the same event again (a redelivery): no second reset
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "LOAD00000001.csv", true)),
            RunContext.unbounded("delete-event"));
    put("20261130-100020000.csv", "I,4,d\n");
    event(FOLDER + "20261130-100020000.csv");
    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c"), "[4]", List.of("4", "d")));
  }

  /**
   * Found by the simulation (full seed 148): after a truncate reset the table, a change file and
   * then a reload's full load were written before the table was sent again; the full load was sent
   * as the reset generation's own, the older change file after it, and the replica kept a row the
   * reload no longer had.
   */
  @Test
  void changeFilesWrittenBeforeAFullLoadThatFollowsATruncateAreSuperseded() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    event(FOLDER + "LOAD00000001.csv");
    bucket.deleteFolder(FOLDER); // TRUNCATE
    engine()
        .process(
            List.of(new ObjectHint(BUCKET, FOLDER + "LOAD00000001.csv", true)),
            RunContext.unbounded("delete-event"));

    put("20261130-100010000.csv", "I,3,c\n"); // its event is late
    put("LOAD00000001.csv", "1,x\n"); // reloaded after missed changes (3 deleted, 1 inserted)
    event(FOLDER + "LOAD00000001.csv");
    event(FOLDER + "20261130-100010000.csv");

    assertThat(replica()).isEqualTo(Map.of("[1]", List.of("1", "x")));
  }

  /**
   * Found by the simulation (full seed 1762): a run announced a new generation, then crashed before
   * saving it; the table was truncated before the next run, which found no full load, sent the next
   * change file in generation 0, and the consumer (at the announced generation) skipped it.
   */
  @Test
  void aCrashBetweenAnnouncingAGenerationAndTheRestNeverLeavesTheStreamAhead() {
    put("LOAD00000001.csv", "1,a\n2,b\n");
    crashAfterResetFlushed.set(new IllegalStateException("killed"));
    assertThatThrownBy(() -> event(FOLDER + "LOAD00000001.csv")).hasMessage("killed");

    bucket.deleteFolder(FOLDER); // TRUNCATE; its delete events met the crashed run's lease
    put("20261130-100010000.csv", "I,3,c\n");
    clock.advance(Duration.ofMinutes(2)); // the crashed run's lease expires
    event(FOLDER + "20261130-100010000.csv");

    assertThat(replica()).isEqualTo(Map.of("[3]", List.of("3", "c")));
  }

  @Test
  void aRunThatFindsTheLeaseHeldLeavesTheTableToItsHolder() {
    put("LOAD00000001.csv", "1,a\n");
    states.save(
        "tables/" + BUCKET + "/dbo/t",
        ("{\"format\":1,\"unit\":\"s3://dms/dbo/t/\",\"lease\":{\"owner\":\"other\",\"token\":1,"
                + "\"until\":\"2026-11-30T11:00:00Z\"},\"leaseToken\":1,\"generation\":0,"
                + "\"changesStarted\":false,\"loads\":[],\"retired\":[],\"columns\":[],"
                + "\"savedAt\":\"2026-11-30T10:00:00Z\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
        null);

    ProducerResult r = event(FOLDER + "LOAD00000001.csv");

    assertThat(r.count(ObjectOutcome.Status.PENDING_ELSEWHERE)).isEqualTo(1);
    assertThat(stream).isEmpty();
    clock.advance(Duration.ofHours(1)); // the holder died: its lease runs out
    assertThat(
            engine()
                .sweep(BUCKET, RunContext.unbounded("sweep"))
                .count(ObjectOutcome.Status.COMPLETED))
        .isEqualTo(1);
  }

  @Test
  void pendingChangeFilesWrittenBeforeAReloadAreSupersededNotSent() {
    put("LOAD00000001.csv", "1,a\n");
    put("20261130-100010000.csv", "I,2,b\n");
    event(FOLDER + "20261130-100010000.csv");
    // The producer falls behind: a change file and then a reload land before it runs again.
    put("20261130-100020000.csv", "U,1,stale\n");
    put("LOAD00000001.csv", "1,fresh\n2,b\n");
    put("20261130-100040000.csv", "I,3,c\n");

    ProducerResult r = engine().sweep(BUCKET, RunContext.unbounded("sweep"));

    assertThat(r.count(ObjectOutcome.Status.SUPERSEDED)).isEqualTo(1);
    assertThat(replica())
        .isEqualTo(
            Map.of(
                "[1]", List.of("1", "fresh"), "[2]", List.of("2", "b"), "[3]", List.of("3", "c")));
  }

  @Test
  void timeRunningLowHandsTheTableToAContinuationThatResumes() {
    put("LOAD00000001.csv", "1,a\n2,b\n3,c\n4,d\n");
    AtomicLong left = new AtomicLong(6_000);
    List<String> continued = new ArrayList<>();
    RunContext run = new RunContext("first", () -> left.getAndAdd(-500), continued::addAll);

    ProducerResult first =
        engine().process(List.of(ObjectHint.created(BUCKET, FOLDER + "LOAD00000001.csv")), run);

    assertThat(first.count(ObjectOutcome.Status.CONTINUED)).isEqualTo(1);
    assertThat(continued).containsExactly("s3://dms/dbo/t/LOAD00000001.csv");
    event(FOLDER + "LOAD00000001.csv");
    assertThat(replica()).hasSize(4);
  }

  /**
   * Found by the simulation (lost-continuation seed 2): the sweep looked at every table before
   * draining any, so a sweep short of time only looked, continued, and never sent anything.
   */
  @Test
  void aSweepShortOfTimeSendsWhatItFindsBeforeLookingFurther() {
    for (String t : List.of("a", "b", "c")) {
      bucket.put("dbo/" + t + "/LOAD00000001.csv", "1,x\n");
    }
    // Every listing takes a second; the sweep has 16 s, 5 of them reserved.
    ObjectStore slow =
        new ObjectStore() {
          @Override
          public String uri(String b, String key) {
            return bucket.uri(b, key);
          }

          @Override
          public List<Listed> list(String b, String prefix, String startAfter, int max) {
            clock.advance(Duration.ofSeconds(1));
            return bucket.list(b, prefix, startAfter, max);
          }

          @Override
          public List<String> folders(String b, String prefix) {
            clock.advance(Duration.ofSeconds(1));
            return bucket.folders(b, prefix);
          }

          @Override
          public Opened open(String b, String key, long fromByte, String expectedETag) {
            return bucket.open(b, key, fromByte, expectedETag);
          }
        };
    Instant deadline = clock.instant().plusSeconds(20);
    List<String> continued = new ArrayList<>();
    RunContext run =
        new RunContext(
            "sweep",
            () -> Duration.between(clock.instant(), deadline).toMillis(),
            continued::addAll);

    ProducerResult r =
        ProducerEngine.builder()
            .tables(
                TableDefinitions.of(
                    TableDefinition.builder("dbo", "a").columns("id", "v").primaryKey("id").build(),
                    TableDefinition.builder("dbo", "b").columns("id", "v").primaryKey("id").build(),
                    TableDefinition.builder("dbo", "c")
                        .columns("id", "v")
                        .primaryKey("id")
                        .build()))
            .objects(slow)
            .states(states)
            .sinks(this::sink)
            .rejectSinks((uri, owner) -> RejectSink.DISCARD)
            .lease(Duration.ofSeconds(60), Duration.ofSeconds(10))
            .timeReserve(Duration.ofSeconds(5))
            .clock(clock)
            .build()
            .sweep(BUCKET, run);

    assertThat(r.rows()).as("rows sent by the sweep: %s", r).isEqualTo(1);
    assertThat(continued).isNotEmpty();
  }

  @Test
  void aRunWhoseLeaseExpiredCannotWriteOrSaveAfterAnotherTookOver() {
    put("LOAD00000001.csv", "1,a\n2,b\n3,c\n4,d\n5,e\n");
    // The first run stalls after its first checkpoint: simulate by letting the second run take
    // over while the first still holds a sink with unflushed rows.
    List<Object> staleSide = new ArrayList<>();
    io.cdckinesis.pipeline.internal.Unit unit =
        new io.cdckinesis.pipeline.internal.Unit(BUCKET, FOLDER, T);
    var stale =
        io.cdckinesis.pipeline.internal.UnitLease.acquire(
                states, clock, Duration.ofSeconds(60), Duration.ofSeconds(10), "stale", unit)
            .orElseThrow();
    RecordingSink staleSink = new RecordingSink(staleSide, stale);
    clock.advance(Duration.ofSeconds(61));

    event(FOLDER + "LOAD00000001.csv");
    staleSink.write(
        ChangeRecord.builder()
            .operation(io.cdckinesis.core.Operation.LOAD)
            .table(T)
            .primaryKey("id")
            .value("id", "1")
            .value("name", "stale")
            .position("s3://dms/dbo/t/LOAD00000001.csv", 1, 1)
            .build());

    assertThatThrownBy(staleSink::flush).isInstanceOf(LeaseLostException.class);
    assertThat(staleSide).isEmpty();
    assertThat(replica()).hasSize(5);
  }

  @Test
  void aColumnAddedOrDroppedBetweenFilesIsAnnouncedBeforeTheFilesRows() {
    DmsCsvSettings header = DmsCsvSettings.builder().addColumnName(true).build();
    put("LOAD00000001.csv", "id,name\n1,a\n");
    put("20261130-100010000.csv", "Op,id,name,email\nU,1,a,a@x\n");
    put("20261130-100020000.csv", "Op,id,email\nU,1,b@x\n");

    engine(header)
        .process(
            List.of(ObjectHint.created(BUCKET, FOLDER + "LOAD00000001.csv")),
            RunContext.unbounded("r"));

    List<String> kinds =
        stream.stream()
            .map(
                o ->
                    o instanceof ControlRecord c
                        ? c.operation() + c.columns().toString()
                        : ((ChangeRecord) o).position().fileName().orElseThrow().name())
            .toList();
    assertThat(kinds)
        .containsExactly(
            "TRUNCATE_TABLE[]",
            "LOAD00000001.csv",
            "ADD_COLUMN[email]",
            "20261130-100010000.csv",
            "DROP_COLUMN[name]",
            "20261130-100020000.csv");
  }
}
