package io.cdckinesis.examples.cli;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.ObjectStore;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.core.spi.WriteFence;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.pipeline.LocalFileStore;
import io.cdckinesis.pipeline.ObjectHint;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.RunContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code cdc load}'s sending: drives {@link ProducerEngine} (the producer the Lambda function and
 * the demo run) over each table the listed files belong to, one table after another, so that the
 * engine alone decides DMS order, load generations and checkpoints. Counts what was read and sent
 * for progress and the summary, and turns the engine's rejects into {@link Problems} lines.
 */
final class EngineLoad {

  /** How often (in records) the progress display is given new figures between sink calls. */
  private static final int PROGRESS_EVERY = 256;

  /** How often a table another run holds is looked at again. */
  private static final Duration HELD_RETRY = Duration.ofSeconds(1);

  /** Thrown from the reject sink to stop the engine at the first bad input (--on-error fail). */
  private static final class StoppedAtBadInput extends RuntimeException {
    StoppedAtBadInput() {
      super("stopped at bad input", null, false, false);
    }
  }

  /** Where an engine reads: a store, a bucket in it, and the folder the DMS layout starts in. */
  private record Target(ObjectStore store, String bucket, String layoutRoot) {}

  /** A table (or CDC_TXN folder) of a target: what the engine orders and checkpoints as one. */
  private record TableOf(Target target, TableId table, String txnFolder) {}

  private final DmsCsvSettings settings;
  private final TableDefinitions tables;
  private final StateStore states;
  private final Function<WriteFence, KinesisChangeSink> sinks;
  private final boolean aggregation;
  private final Duration lease;
  private final Problems problems;
  private final LoadProgress progress;
  private final String owner = "cdc-load-" + UUID.randomUUID();
  private final DmsFileConverter.Result read = new DmsFileConverter.Result();
  private final Set<TableId> keyless = new TreeSet<>();
  private final Map<Path, LocalFileStore> localStores = new HashMap<>();
  private SinkMetrics closedSinks = SinkMetrics.ZERO;
  private KinesisChangeSink openSink;
  private int totalFiles;

  /**
   * @param sinks a new Kinesis sink that asks the fence before each write call
   * @param lease how long a table stays claimed without renewal (with a state store that outlives
   *     the command, a rerun after a crash waits this long)
   */
  EngineLoad(
      DmsCsvSettings settings,
      TableDefinitions tables,
      StateStore states,
      Function<WriteFence, KinesisChangeSink> sinks,
      boolean aggregation,
      Duration lease,
      Problems problems,
      LoadProgress progress) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tables = Objects.requireNonNull(tables, "tables");
    this.states = Objects.requireNonNull(states, "states");
    this.sinks = Objects.requireNonNull(sinks, "sinks");
    this.aggregation = aggregation;
    this.lease = Objects.requireNonNull(lease, "lease");
    this.problems = Objects.requireNonNull(problems, "problems");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  DmsFileConverter.Result read() {
    return read;
  }

  /** Tables whose rows had no primary key, when not aggregating. */
  Set<TableId> keyless() {
    return keyless;
  }

  /** The counters of every sink so far. */
  SinkMetrics sent() {
    return openSink == null ? closedSinks : plus(closedSinks, openSink.metrics());
  }

  /** Files read to their end or not: at least the files listed, more when a table held more. */
  int totalFiles() {
    return totalFiles;
  }

  /**
   * Sends the tables of the listed files, each whole and in DMS order, one after another.
   *
   * @param s3 the store for {@code s3://} inputs, or null when there are none
   * @return the failure that stopped the load, or null (bad input is in {@link Problems})
   */
  String run(List<DmsInput> inputs, ObjectStore s3) {
    totalFiles = inputs.size();
    Map<TableOf, ObjectHint> units = new LinkedHashMap<>();
    for (DmsInput input : inputs) {
      Target target;
      String key;
      if (S3Prefix.isS3(input.uri())) {
        S3Prefix object = S3Prefix.parse(input.uri());
        target = new Target(s3, object.bucket(), root(input.key()));
        key = input.key().key();
      } else {
        Path file = Path.of(input.uri()).toAbsolutePath().normalize();
        Path root = file;
        for (int i = layoutDepth(input.key()); i > 0 && root != null; i--) {
          root = root.getParent();
        }
        LocalFileStore store = localStores.computeIfAbsent(root, LocalFileStore::new);
        target = new Target(store, store.bucket(), "");
        key = root.relativize(file).toString().replace('\\', '/');
      }
      DmsObjectKey k = input.key();
      TableOf unit = new TableOf(target, k.table(), k.table() == null ? k.prefix() : null);
      units.putIfAbsent(unit, ObjectHint.created(target.bucket(), key));
    }
    Map<Target, ProducerEngine> engines = new HashMap<>();
    try {
      for (Map.Entry<TableOf, ObjectHint> u : units.entrySet()) {
        ProducerEngine engine = engines.computeIfAbsent(u.getKey().target(), this::engine);
        String failure = report(send(engine, u.getValue()));
        if (failure != null) {
          return failure;
        }
      }
      return null;
    } catch (StoppedAtBadInput e) {
      return null;
    } catch (CdcException | SdkException e) {
      return e.getMessage();
    }
  }

  /** Sends a table, waiting while another run (or one that died) holds its lease. */
  private ProducerResult send(ProducerEngine engine, ObjectHint table) {
    long deadline = 0;
    while (true) {
      ProducerResult r = engine.process(List.of(table), RunContext.unbounded(owner));
      if (r.count(ObjectOutcome.Status.PENDING_ELSEWHERE) == 0) {
        return r;
      }
      long now = System.nanoTime();
      if (deadline == 0) {
        deadline = now + lease.plusSeconds(5).toNanos();
        progress.printAbove(
            "cdc load: the table of "
                + table.key()
                + " is claimed by another run (or one that stopped);"
                + " waiting up to "
                + lease.plusSeconds(5).toSeconds()
                + " s for its claim to end");
      } else if (now - deadline > 0) {
        throw new HeldElsewhereException(
            "the table of "
                + table.key()
                + " is being sent by another run: let it finish, or run again later");
      }
      try {
        Thread.sleep(HELD_RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HeldElsewhereException("interrupted while waiting for " + table.key());
      }
    }
  }

  /** A table another run goes on sending. */
  private static final class HeldElsewhereException extends CdcException {
    HeldElsewhereException(String message) {
      super(message);
    }
  }

  /** Shows each file's end; the failure a table's outcomes amount to, or null. */
  private String report(ProducerResult r) {
    for (ObjectOutcome o : r.objects()) {
      switch (o.status()) {
        case COMPLETED -> {
          read.files++;
          finished(o, true);
        }
        case DAMAGED -> finished(o, false);
        case LEASE_LOST -> {
          return "another run took "
              + o.objectUri()
              + " over while this one was sending it; it goes on from there";
        }
        default -> {
          // generations started, superseded or vanished files: the engine's business
        }
      }
    }
    return null;
  }

  private int filesDone;

  private void finished(ObjectOutcome o, boolean complete) {
    filesDone++;
    totalFiles = Math.max(totalFiles, filesDone);
    progress.fileFinished(o.objectUri(), o.records(), complete);
    progress.update(read, sent());
  }

  private ProducerEngine engine(Target target) {
    String root = target.layoutRoot();
    return ProducerEngine.builder()
        .settings(settings.toBuilder().bucketFolder(root.isEmpty() ? null : root).build())
        .tables(tables)
        .objects(new CountingStore(target.store()))
        .states(states)
        .sinks((fence, run) -> new CountingSink(sinks.apply(fence)))
        .rejectSinks(
            (uri, runOwner) ->
                row -> {
                  if (!problems.problem(row.toException().getMessage())) {
                    throw new StoppedAtBadInput();
                  }
                })
        .lease(lease, lease.dividedBy(4))
        .build();
  }

  /**
   * Where the DMS layout starts for an S3 key: the folder before the schema (BucketFolder, or the
   * folder the user named); for CDC_TXN files, the folder above CdcPath.
   */
  private String root(DmsObjectKey key) {
    String prefix = key.prefix();
    if (key.table() == null && settings.cdcPath() != null) {
      if (prefix.equals(settings.cdcPath())) {
        return "";
      }
      if (prefix.endsWith("/" + settings.cdcPath())) {
        return prefix.substring(0, prefix.length() - settings.cdcPath().length() - 1);
      }
    }
    return prefix;
  }

  /** How many path segments the DMS layout has below its root: schema/table/[...]/file. */
  private int layoutDepth(DmsObjectKey key) {
    if (key.table() == null) {
      return 1 + (settings.cdcPath() == null ? 0 : settings.cdcPath().split("/").length);
    }
    int depth = 3;
    if (key.partition() != null) {
      depth++;
    }
    if (key.datePartition() != null) {
      depth += key.datePartition().split("/").length;
    }
    return depth;
  }

  private static SinkMetrics plus(SinkMetrics a, SinkMetrics b) {
    return new SinkMetrics(
        a.recordsWritten() + b.recordsWritten(),
        a.bytesWritten() + b.bytesWritten(),
        a.kinesisRecordsWritten() + b.kinesisRecordsWritten(),
        a.putRecordsCalls() + b.putRecordsCalls(),
        a.retriedEntries() + b.retriedEntries(),
        a.throttledEntries() + b.throttledEntries(),
        a.failedEntries() + b.failedEntries(),
        a.oversizeRecords() + b.oversizeRecords(),
        a.reroutedRecords() + b.reroutedRecords(),
        Math.max(a.openShards(), b.openShards()));
  }

  /** The engine's sink for one run on a table: counts what is written, for progress. */
  private final class CountingSink implements ChangeSink {
    private final KinesisChangeSink sink;

    CountingSink(KinesisChangeSink sink) {
      this.sink = sink;
      openSink = sink;
    }

    @Override
    public void write(ChangeRecord r) {
      sink.write(r);
      read.count(r);
      if (!aggregation && r.primaryKey().isEmpty()) {
        keyless.add(r.tableId());
      }
      if (read.records % PROGRESS_EVERY == 0) {
        progress.update(read, sent());
      }
    }

    @Override
    public void writeControl(ControlRecord record) {
      sink.writeControl(record);
    }

    @Override
    public void flush() {
      sink.flush();
    }

    @Override
    public void close() {
      try {
        sink.close();
      } finally {
        closedSinks = plus(closedSinks, sink.metrics());
        openSink = null;
      }
    }
  }

  /** The engine's object store: counts the bytes read, as stored and as CSV, for progress. */
  private final class CountingStore implements ObjectStore {
    private final ObjectStore store;

    CountingStore(ObjectStore store) {
      this.store = store;
    }

    @Override
    public String uri(String bucket, String key) {
      return store.uri(bucket, key);
    }

    @Override
    public List<Listed> list(String bucket, String prefix, String startAfter, int max) {
      return store.list(bucket, prefix, startAfter, max);
    }

    @Override
    public List<String> folders(String bucket, String prefix) {
      return store.folders(bucket, prefix);
    }

    @Override
    public Opened open(String bucket, String key, long fromByte, String expectedETag) {
      Opened opened = store.open(bucket, key, fromByte, expectedETag);
      InputStream counted = new CountingStream(opened.stream(), key.endsWith(".gz"));
      return new Opened() {
        @Override
        public InputStream stream() {
          return counted;
        }

        @Override
        public boolean positioned() {
          return opened.positioned();
        }

        @Override
        public String eTag() {
          return opened.eTag();
        }

        @Override
        public void close() throws IOException {
          opened.close();
        }
      };
    }
  }

  /**
   * Counts the bytes read into the figures. A gzip file's CSV size is its trailer's (the last four
   * bytes: the uncompressed size modulo 2^32, exact for DMS's single-member files under 4 GiB),
   * taken when the reader reaches its end.
   */
  private final class CountingStream extends FilterInputStream {
    private final boolean gzip;
    private final byte[] last = new byte[4];
    private long count;
    private boolean ended;

    CountingStream(InputStream in, boolean gzip) {
      super(in);
      this.gzip = gzip;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        end();
      } else {
        counted(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) {
        end();
      } else {
        counted(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      read.storedBytes += Math.max(0, skipped);
      return skipped;
    }

    private void counted(byte[] b, int off, int n) {
      read.storedBytes += n;
      if (!gzip) {
        read.csvBytes += n;
        return;
      }
      for (int i = off; i < off + n; i++) {
        last[(int) (count++ & 3)] = b[i];
      }
    }

    private void end() {
      if (gzip && !ended && count >= 4) {
        long size = 0;
        for (int i = 3; i >= 0; i--) { // little-endian: the newest of the last four bytes first
          size = (size << 8) | (last[(int) ((count + i) & 3)] & 0xff);
        }
        read.csvBytes += size;
      }
      ended = true;
    }
  }
}
