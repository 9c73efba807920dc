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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The source database, DMS and the operators: runs the scenario's script in virtual time. DMS
 * writes the full load of every table, then a change file per table touched by each batch of
 * changes (named by the virtual time), with the scenario's settings (header or not, gzip or not);
 * operators reload tables (drop-and-create or in place), truncate them, let a lifecycle rule expire
 * the producer's state, and split shards. Writes go straight to the S3 model (DMS is not under
 * test), whose notifications reach the producer.
 *
 * <p>Keeps the truth the checks need: the source rows, and how many rows every DMS file in the
 * bucket holds.
 */
public final class DmsWorld {

  /** A file DMS wrote that is still in the bucket, with its row count and current ETag. */
  public record DmsFile(String key, int rows, String eTag) {}

  private final Scheduler scheduler;
  private final Scenario scenario;
  private final SimS3 s3;
  private final String bucket;
  private final SimulatedKinesis kinesis;
  private final String stream;
  private final String stateBucket;
  private List<String> expiringPrefixes = List.of();
  private final SourceDatabase db;
  private final DmsS3Writer writer;
  private final Map<String, Integer> files = new LinkedHashMap<>();
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

  /** The prefixes of the state bucket a lifecycle rule expires ({@link Action#EXPIRE_STATE}). */
  public void expireStateUnder(List<String> prefixes) {
    this.expiringPrefixes = List.copyOf(prefixes);
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
      for (Integer rows : perTable.values()) {
        files.put(keys.get(i++), rows);
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
      case EXPIRE_STATE -> expireState(step.delay());
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
      files.put(keys.get(i), Math.max(0, Math.min(per, rows.size() - i * per)));
    }
    scheduler.note("dms", "full load " + keys);
  }

  private void deleteTableFolder(SourceTable t) {
    String folder = folderOf(t.id());
    for (SimS3.StoredObject o : s3.objects(bucket, folder)) {
      s3.delete(bucket, o.key());
      files.remove(o.key());
    }
  }

  /** Where DMS puts a table's files: {@code [BucketFolder/]schema/table/}. */
  public String folderOf(TableId table) {
    String folder = scenario.settings().bucketFolder();
    return (folder == null ? "" : folder + "/") + table.schema() + "/" + table.table() + "/";
  }

  /** The lifecycle rule: objects under the expiring prefixes older than the idle gap go. */
  private void expireState(Duration idle) {
    int expired = 0;
    for (String prefix : expiringPrefixes) {
      for (SimS3.StoredObject o : s3.objects(stateBucket, prefix)) {
        if (!o.lastModified().isAfter(scheduler.now().minus(idle.dividedBy(2)))) {
          s3.delete(stateBucket, o.key());
          expired++;
        }
      }
    }
    scheduler.note("operator", "lifecycle rule expired " + expired + " state objects");
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
    files.forEach((k, rows) -> out.add(new DmsFile(k, rows, s3.object(bucket, k).eTag())));
    return out;
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
