package io.cdckinesis.simulation;

import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.local.dms.SourceTable;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.StoredRecord;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.sched.Scheduler;
import io.cdckinesis.simulation.world.DmsWorld;
import io.cdckinesis.simulation.world.TargetDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What must hold after every schedule, whatever the engine:
 *
 * <ol>
 *   <li><b>liveness</b>: the run ended with the world quiet (no event, retry, continuation or batch
 *       left), within its step and virtual-time budgets;
 *   <li><b>nothing pending forever</b>: every row of every DMS file in the bucket at the end
 *       reached the stream (from the file's current version), except change files a later reload of
 *       their table superseded; and nothing was dead-lettered (every input is valid);
 *   <li><b>the replica equals the source</b>, table by table, row by row;
 *   <li><b>order per key</b>: the target never saw a change of a row after a later one;
 *   <li><b>at most once</b>: the target never saw one change twice (a non-idempotent counter per
 *       change).
 * </ol>
 *
 * Each violation is one line of text.
 */
final class Checks {

  private Checks() {}

  static List<String> run(
      Scheduler.End end,
      String endDetail,
      DmsWorld dms,
      TargetDatabase target,
      SimulatedKinesis kinesis,
      String stream,
      TableDefinitions tables,
      SimS3 s3) {
    List<String> out = new ArrayList<>();
    if (end != Scheduler.End.QUIESCENT) {
      out.add("liveness: " + end + (endDetail == null ? "" : ": " + endDetail));
      if (end == Scheduler.End.STUCK || end == Scheduler.End.ERROR) {
        return out;
      }
    }
    out.addAll(pending(dms, kinesis, stream, tables));
    for (SimS3.StoredObject o :
        s3.objects(Simulation.STATE_BUCKET, DeployedPipeline.DEAD_LETTERS)) {
      out.add("dead-lettered: " + o.key());
    }
    if (end == Scheduler.End.QUIESCENT) {
      out.addAll(replica(dms, target));
    }
    for (String v : target.violations()) {
      out.add(v.startsWith("applied out of order") ? "order: " + v : "at most once: " + v);
    }
    return out;
  }

  /** Every row of every file DMS left in the bucket must be on the stream. */
  private static List<String> pending(
      DmsWorld dms, SimulatedKinesis kinesis, String stream, TableDefinitions tables) {
    EnvelopeCodec codec = EnvelopeCodec.withTables(tables);
    // Rows on the stream per object, and per object version when envelopes name it.
    Map<String, Set<Long>> delivered = new HashMap<>();
    Map<String, Set<Long>> deliveredByVersion = new HashMap<>();
    Set<String> versioned = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (StoredRecord r : kinesis.records(stream)) {
      List<DeaggregatedRecord> users;
      try {
        users = KplDeaggregator.deaggregate(r.data(), r.partitionKey(), r.explicitHashKey());
      } catch (RuntimeException e) {
        out.add("stream: record " + r.sequenceNumber() + " is not a valid aggregate: " + e);
        continue;
      }
      for (DeaggregatedRecord u : users) {
        SourcePosition p;
        try {
          Envelope e = codec.decode(u.data());
          if (e instanceof Envelope.Data d) {
            p = d.position();
          } else if (e instanceof Envelope.Pointer ptr) {
            p = ptr.position();
          } else {
            continue;
          }
        } catch (RuntimeException e) {
          out.add("stream: record " + r.sequenceNumber() + " is not an envelope: " + e);
          continue;
        }
        delivered.computeIfAbsent(p.objectUri(), k -> new TreeSet<>()).add(p.row());
        String version = p.file().version();
        if (version != null) {
          versioned.add(p.objectUri());
          deliveredByVersion
              .computeIfAbsent(p.objectUri() + " " + unquote(version), k -> new TreeSet<>())
              .add(p.row());
        }
      }
    }
    for (DmsWorld.DmsFile f : dms.files()) {
      String uri = "s3://" + dms.bucket() + "/" + f.key();
      if (!f.fullLoad() && f.written().isBefore(dms.lastFullLoad(f.table()))) {
        continue; // a reload of the table since holds its effect: sending it is not required
      }
      // When the engine names versions, the rows must come from the version in the bucket now.
      Set<Long> rows =
          versioned.contains(uri)
              ? deliveredByVersion.getOrDefault(uri + " " + unquote(f.eTag()), Set.of())
              : delivered.getOrDefault(uri, Set.of());
      long sent = 0;
      for (long row = 1; row <= f.rows(); row++) {
        if (rows.contains(row)) {
          sent++;
        }
      }
      if (sent < f.rows()) {
        out.add(
            "pending forever: " + uri + " (" + sent + " of " + f.rows() + " rows on the stream)");
      }
    }
    return out;
  }

  private static String unquote(String eTag) {
    return eTag == null ? "" : eTag.replace("\"", "");
  }

  /** The target must hold exactly the source's rows. */
  private static List<String> replica(DmsWorld dms, TargetDatabase target) {
    List<String> out = new ArrayList<>();
    for (SourceTable t : dms.source().tables().values()) {
      Map<List<Object>, List<Object>> want = t.rows();
      Map<List<Object>, List<Object>> got = target.rows(t.id());
      List<List<Object>> missing = new ArrayList<>();
      List<List<Object>> extra = new ArrayList<>();
      List<List<Object>> different = new ArrayList<>();
      for (Map.Entry<List<Object>, List<Object>> e : want.entrySet()) {
        List<Object> have = got.get(e.getKey());
        if (have == null) {
          missing.add(e.getKey());
        } else if (!have.equals(e.getValue())) {
          different.add(e.getKey());
        }
      }
      for (List<Object> k : got.keySet()) {
        if (!want.containsKey(k)) {
          extra.add(k);
        }
      }
      if (!missing.isEmpty() || !extra.isEmpty() || !different.isEmpty()) {
        out.add(
            "replica: "
                + t.id()
                + " differs from the source: "
                + missing.size()
                + " rows missing "
                + sample(missing)
                + ", "
                + extra.size()
                + " extra "
                + sample(extra)
                + ", "
                + different.size()
                + " different "
                + sample(different)
                + " (of "
                + want.size()
                + ")");
      }
    }
    return out;
  }

  private static String sample(List<List<Object>> keys) {
    return keys.isEmpty() ? "" : keys.subList(0, Math.min(3, keys.size())).toString();
  }
}
