package io.cdckinesis.simulation.world;

import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableId;
import io.cdckinesis.local.dms.DmsS3Writer;
import io.cdckinesis.local.dms.SourceChange;
import io.cdckinesis.local.dms.SourceDatabase;
import io.cdckinesis.local.dms.SourceTable;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.simulation.Action;
import io.cdckinesis.simulation.Scenario;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The source database, DMS and the operators: runs the scenario's script in virtual time. DMS
 * writes the full load of every table, then a change file per table touched by each batch of
 * changes (named by the virtual time), with the scenario's settings (header or not, gzip or not);
 * operators reload tables (drop-and-create or in place), truncate them, delete the producer's state
 * of a table, and split shards. Writes go straight to the S3 model (DMS is not under test), whose
 * notifications reach the producer.
 *
 * <p>Keeps the truth the checks need: the source rows, and how many rows every DMS file in the
 * bucket holds.
 */
public final class DmsWorld {

  /**
   * A file DMS wrote that is still in the bucket: its row count, current ETag, table, whether it is
   * a full-load file, and when DMS wrote it last.
   */
  public record DmsFile(
      String key, int rows, String eTag, TableId table, boolean fullLoad, Instant written) {}

  private record Written(int rows, TableId table, boolean fullLoad, Instant at) {}

  private final Scheduler scheduler;
  private final Scenario scenario;
  private final SimS3 s3;
  private final String bucket;
  private final SimulatedKinesis kinesis;
  private final String stream;
  private final String stateBucket;
  private BiFunction<String, String, List<String>> statePrefixes = (b, f) -> List.of();
  private final SourceDatabase db;
  private final DmsS3Writer writer;
  private final Map<String, Written> files = new LinkedHashMap<>();
  private final Map<TableId, Instant> lastFullLoad = new LinkedHashMap<>();
  private boolean scriptDone;
  private int steps;

  public DmsWorld(
      Scheduler scheduler,
      Scenario scenario,
      SimS3 s3,
      String bucket,
      SimulatedKinesis kinesis,
      String stream,
      String stateBucket) {
    this.scheduler = scheduler;
    this.scenario = scenario;
    this.s3 = s3;
    this.bucket = bucket;
    this.kinesis = kinesis;
    this.stream = stream;
    this.stateBucket = stateBucket;
    this.db = new SourceDatabase(scenario.seed(), scenario.tables());
    this.db.populate(scenario.rowsPerTable());
    this.writer =
        new DmsS3Writer(
            s3, bucket, scenario.settings(), scenario.maxRowsPerLoadFile(), db.tables());
  }

  /**
   * Where the pipeline keeps a table's state: prefixes of the state bucket by DMS bucket and table
   * folder, which an operator deletes ({@link Action#DELETE_STATE}).
   */
  public void stateOfTables(BiFunction<String, String, List<String>> prefixes) {
    this.statePrefixes = prefixes;
  }

  public DmsCsvSettings settings() {
    return scenario.settings();
  }

  public SourceDatabase source() {
    return db;
  }

  /** Schedules the script: the full load now, then the scenario's steps. */
  public void start() {
    scheduler.at(Duration.ZERO, "dms full load", false, this::fullLoad);
  }

  private void fullLoad() {
    for (SourceTable t : db.tables().values()) {
      writeLoad(t);
    }
    scheduleStep(0);
  }

  private void scheduleStep(int index) {
    if (index >= scenario.steps().size()) {
      scriptDone = true;
      scheduler.note("dms", "script done");
      return;
    }
    Scenario.Step step = scenario.steps().get(index);
    scheduler.at(
        step.delay(),
        "dms " + step,
        false,
        () -> {
          run(step);
          steps++;
          scheduleStep(index + 1);
        });
  }

  private void run(Scenario.Step step) {
    if (step.action() == null) {
      List<SourceChange> batch = db.change(step.changes());
      LocalDateTime at = LocalDateTime.ofInstant(scheduler.now(), ZoneOffset.UTC);
      Map<TableId, Integer> perTable = new LinkedHashMap<>();
      for (SourceChange c : batch) {
        perTable.merge(c.table(), 1, Integer::sum);
      }
      List<String> keys = writer.writeCdcBatch(batch, at);
      int i = 0;
      for (Map.Entry<TableId, Integer> t : perTable.entrySet()) {
        files.put(keys.get(i++), new Written(t.getValue(), t.getKey(), false, scheduler.now()));
      }
      scheduler.note("dms", "change batch " + keys);
      return;
    }
    SourceTable table = tableAt(step.table());
    switch (step.action()) {
      case RELOAD_DROP_AND_CREATE -> {
        missChanges(table, step.changes());
        deleteTableFolder(table);
        writeLoad(table);
      }
      case RELOAD_IN_PLACE, OVERWRITE_WHILE_READING -> {
        missChanges(table, step.changes());
        writeLoad(table);
      }
      case TRUNCATE -> {
        db.truncate(table.id());
        deleteTableFolder(table);
      }
      case DELETE_STATE -> deleteState(table);
      case RESHARD -> reshard();
      case REDRIVE_FAILED_EVENTS -> {
        // a policy of the Lambda model, not a step
      }
    }
    scheduler.note("dms", step.action() + " " + table.id());
  }

  /**
   * Changes the source while the task is stopped: no change file has them, only the full load DMS
   * writes when the task is restarted with a reload.
   */
  private void missChanges(SourceTable table, int count) {
    db.change(count, table.id());
  }

  private SourceTable tableAt(int index) {
    List<SourceTable> all = new ArrayList<>(db.tables().values());
    return all.get(index % all.size());
  }

  private void writeLoad(SourceTable t) {
    List<List<Object>> rows = new ArrayList<>(t.rows().values());
    LocalDateTime at = LocalDateTime.ofInstant(scheduler.now(), ZoneOffset.UTC);
    List<String> keys = writer.writeFullLoad(t.id(), rows, at);
    int per = scenario.maxRowsPerLoadFile();
    for (int i = 0; i < keys.size(); i++) {
      files.put(
          keys.get(i),
          new Written(
              Math.max(0, Math.min(per, rows.size() - i * per)), t.id(), true, scheduler.now()));
    }
    lastFullLoad.put(t.id(), scheduler.now());
    scheduler.note("dms", "full load " + keys);
  }

  private void deleteTableFolder(SourceTable t) {
    writer.deleteTable(t.id()).forEach(files::remove);
  }

  /** Where DMS puts a table's files: {@code [BucketFolder/]schema/table/}. */
  public String folderOf(TableId table) {
    return writer.folder(table);
  }

  /** An operator deletes everything the pipeline keeps about a table (all its revisions). */
  private void deleteState(SourceTable t) {
    int deleted = 0;
    for (String prefix : statePrefixes.apply(bucket, folderOf(t.id()))) {
      for (SimS3.StoredObject o : s3.objects(stateBucket, prefix)) {
        s3.delete(stateBucket, o.key());
        deleted++;
      }
    }
    scheduler.note("operator", "deleted " + deleted + " state objects of " + t.id());
    if (files.values().stream().noneMatch(w -> w.fullLoad() && w.table().equals(t.id()))) {
      // Truncated since its last full load: the bucket holds change files only, which look like a
      // table without a full load (generation 0). The runbook (DESIGN.md, "What is not
      // guaranteed") says to reload such a table after deleting its state; the operator does.
      deleteTableFolder(t);
      writeLoad(t);
      scheduler.note("operator", "reloaded " + t.id() + " (no full load left after a truncate)");
    }
  }

  private void reshard() {
    List<Shard> open = new ArrayList<>();
    for (Shard s : kinesis.shards(stream)) {
      if (s.sequenceNumberRange().endingSequenceNumber() == null) {
        open.add(s);
      }
    }
    Shard s = open.get(scheduler.random().nextInt(open.size()));
    List<String> children = kinesis.splitShard(stream, s.shardId());
    scheduler.note("operator", "split " + s.shardId() + " into " + children);
  }

  public boolean scriptDone() {
    return scriptDone;
  }

  /** The DMS files in the bucket now, with their row counts. */
  public List<DmsFile> files() {
    List<DmsFile> out = new ArrayList<>();
    files.forEach(
        (k, w) ->
            out.add(
                new DmsFile(
                    k, w.rows(), s3.object(bucket, k).eTag(), w.table(), w.fullLoad(), w.at())));
    return out;
  }

  /** When DMS last wrote the table's full load (a reload writes it again). */
  public Instant lastFullLoad(TableId table) {
    return lastFullLoad.get(table);
  }

  public String bucket() {
    return bucket;
  }

  /** Every action in the scenario that touched a table, for reports. */
  public List<Action> actions() {
    List<Action> out = new ArrayList<>();
    for (Scenario.Step s : scenario.steps()) {
      if (s.action() != null) {
        out.add(s.action());
      }
    }
    return out;
  }
}
