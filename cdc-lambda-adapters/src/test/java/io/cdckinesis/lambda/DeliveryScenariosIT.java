package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The situations of issue 9 over the real functions and local servers (s3proxy, kinesalite): each
 * used to lose or corrupt changes silently; each must end with the consumer's replica equal to the
 * source. The consumer is the real one with a replica that honours load generations.
 */
class DeliveryScenariosIT {

  private static final String STATE = "cdc-state";
  private static final String TABLES =
      "{\"dbo.t\": {\"columns\": [\"id\", \"name\"], \"primaryKey\": [\"id\"]}}";
  private static final String FOLDER = "dbo/t/";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static LocalS3 s3;
  private static LocalKinesis kinesis;

  private String bucket;
  private String stream;
  private final TreeMap<Integer, String> source = new TreeMap<>();
  private int changeFiles;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket(STATE);
    kinesis = LocalKinesis.start();
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
  }

  @BeforeEach
  void newBucketAndStream() {
    int n = COUNTER.incrementAndGet();
    bucket = "dms-" + n;
    s3.createBucket(bucket);
    stream = "delivery-" + n;
    kinesis.createStream(stream, 2);
  }

  // ---- the source and DMS ------------------------------------------------------------------

  /** DMS writes the table's full load (default settings: no header, no Op column). */
  private String fullLoad(String name) {
    StringBuilder csv = new StringBuilder();
    source.forEach((id, v) -> csv.append(id).append(',').append(v).append('\n'));
    return put(name, csv.toString());
  }

  /** Changes at the source, written by DMS as one change file; returns its key. */
  private String changes(String... ops) {
    StringBuilder csv = new StringBuilder();
    for (String op : ops) {
      String[] f = op.split(",");
      int id = Integer.parseInt(f[1]);
      switch (f[0]) {
        case "D" -> source.remove(id);
        default -> source.put(id, f[2]);
      }
      csv.append(op).append(f[0].equals("D") && f.length == 2 ? "," : "").append('\n');
    }
    changeFiles++;
    return put(String.format("20261130-10%02d00000.csv", changeFiles), csv.toString());
  }

  private String put(String name, String content) {
    String key = FOLDER + name;
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    return key;
  }

  private void deleteTableFolder() {
    for (var o : s3.client().listObjectsV2(b -> b.bucket(bucket).prefix(FOLDER)).contents()) {
      s3.client().deleteObject(b -> b.bucket(bucket).key(o.key()));
    }
  }

  // ---- the functions ---------------------------------------------------------------------

  private FunctionEnvironment env(Map<String, String> extra) {
    Map<String, String> vars = new HashMap<>();
    vars.put(FunctionEnvironment.STREAM_NAME, stream);
    vars.put(FunctionEnvironment.STATE_BUCKET, STATE);
    vars.put(FunctionEnvironment.STATE_PREFIX, "state-" + bucket + "/");
    vars.put(FunctionEnvironment.TABLES, TABLES);
    vars.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, "2");
    vars.put(FunctionEnvironment.DMS_BUCKET, bucket);
    vars.putAll(extra);
    return FunctionEnvironment.from(vars);
  }

  private ProducerEngine engine(Map<String, String> extra, UnaryOperator<ChangeSink> sinks) {
    return CdcFunctions.producer(env(extra), s3.client(), kinesis.client(), m -> {}, sinks);
  }

  private ProducerResult produce(
      ProducerEngine engine, String requestId, String eventName, String... keys) {
    return new S3ToKinesisHandler(engine, c -> uris -> {}, new CapturedMetrics().metrics())
        .handleRequest(event(eventName, keys), new TestContext(requestId));
  }

  private ProducerResult produce(String... keys) {
    return produce(
        engine(Map.of(), UnaryOperator.identity()),
        "req-" + COUNTER.incrementAndGet(),
        "ObjectCreated:Put",
        keys);
  }

  private ProducerResult sweep() {
    ProducerEngine engine = engine(Map.of(), UnaryOperator.identity());
    return new SweepHandler(engine, bucket, c -> uris -> {}, new CapturedMetrics().metrics())
        .handleRequest(Map.of(), new TestContext("sweep-" + COUNTER.incrementAndGet()));
  }

  private S3Event event(String eventName, String... keys) {
    List<S3ObjectRef> refs = new ArrayList<>();
    for (String k : keys) {
      refs.add(S3ObjectRef.of(bucket, k));
    }
    Path f = null;
    try {
      f = Files.createTempFile("delivery-event-", ".json");
      Files.write(f, S3Notifications.json(refs, eventName));
      return EventLoader.loadS3Event(f.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      if (f != null) {
        f.toFile().delete();
      }
    }
  }

  /** The replica the real consumer keeps from everything on the stream, shard by shard. */
  private Map<Integer, String> replica() {
    GenerationReplica replica = new GenerationReplica();
    List<StreamRecord> records = StreamReader.readAll(kinesis.client(), stream);
    BatchResult r =
        CdcFunctions.consumer(
                env(Map.of()),
                s3.client(),
                kinesis.client(),
                () -> null,
                TableHandlers.builder().defaultHandler(replica).build())
            .process(records);
    assertThat(r.failedSequenceNumbers()).as("consumer failures").isEmpty();
    return replica.rows();
  }

  /** Keeps rows with the load generation they came in; a reset removes older generations. */
  static final class GenerationReplica extends TableHandler {
    private record Row(String name, long generation) {}

    private final Map<Integer, Row> rows = new HashMap<>();

    @Override
    protected synchronized void onInsert(ChangeInput in) {
      rows.put(id(in), new Row((String) in.record().value("name"), in.generation()));
    }

    @Override
    protected void onUpdate(ChangeInput in) {
      onInsert(in);
    }

    @Override
    protected synchronized void onDelete(ChangeInput in) {
      rows.remove(id(in));
    }

    @Override
    public synchronized void onTruncate(TruncateInput in) {
      rows.values().removeIf(r -> r.generation() < in.generation());
    }

    private static int id(ChangeInput in) {
      return Integer.parseInt(String.valueOf(in.keyValues().get(0)));
    }

    synchronized Map<Integer, String> rows() {
      Map<Integer, String> out = new TreeMap<>();
      rows.forEach((k, v) -> out.put(k, v.name()));
      return out;
    }
  }

  private List<Object> onStream() {
    List<Object> out = new ArrayList<>();
    var codec = io.cdckinesis.core.EnvelopeCodec.create();
    for (byte[] e : StreamReader.envelopes(StreamReader.readAll(kinesis.client(), stream))) {
      var env = codec.decode(e);
      out.add(env instanceof io.cdckinesis.core.Envelope.Control c ? c.record() : env);
    }
    return out;
  }

  // ---- the scenarios ----------------------------------------------------------------------

  @Test
  void aChangeFileArrivingDuringItsTablesFullLoadIsSentAfterIt() {
    source.put(1, "a");
    source.put(2, "b");
    String load = fullLoad("LOAD00000001.csv");
    String change = changes("U,1,a1", "I,3,c");

    ProducerResult first = produce(change); // its event comes first; the load's event later
    produce(load);

    assertThat(first.count(ObjectOutcome.Status.COMPLETED)).isEqualTo(2);
    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void aCrashInEveryFileEndsWithEveryChangeOnce() {
    source.put(1, "a");
    source.put(2, "b");
    source.put(3, "c");
    List<java.util.function.Supplier<String>> files =
        List.of(
            () -> fullLoad("LOAD00000001.csv"),
            () -> changes("U,1,a1", "I,4,d", "D,2,b"),
            () -> changes("U,4,d1", "U,3,c1", "I,5,e"));
    AtomicLong writes = new AtomicLong();
    for (var file : files) {
      String key = file.get(); // DMS writes the file, S3 sends its event
      long crashAt = writes.get() + 2;
      ProducerEngine crashing = engine(Map.of(), s -> new CrashingSink(s, writes, crashAt));
      assertThatThrownBy(() -> produce(crashing, "req-" + key, "ObjectCreated:Put", key))
          .isInstanceOf(CrashingSink.SimulatedCrash.class);
      // Lambda retries the event with the same request id: it continues at once.
      produce(engine(Map.of(), UnaryOperator.identity()), "req-" + key, "ObjectCreated:Put", key);
    }

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void aReloadAfterDropAndCreateEndsWithExactlyTheReloadedTable() {
    source.put(1, "a");
    source.put(2, "b");
    String load = fullLoad("LOAD00000001.csv");
    String change = changes("U,1,a1", "I,3,c");
    produce(load, change);
    // DROP_AND_CREATE: DMS deletes the table's objects, then writes the full load again.
    deleteTableFolder();
    produce(
        engine(Map.of(), UnaryOperator.identity()),
        "req-delete",
        "ObjectRemoved:Delete",
        load,
        change);
    source.remove(2); // the reload no longer has row 2
    source.put(1, "reloaded");
    String reload = fullLoad("LOAD00000001.csv");
    produce(reload);
    String after = changes("I,9,z");
    produce(after);

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void aReloadInPlaceSupersedesEverythingBeforeIt() {
    source.put(1, "a");
    source.put(2, "b");
    source.put(3, "c");
    String load = fullLoad("LOAD00000001.csv");
    String extra = put("LOAD00000002.csv", "7,seven\n");
    source.put(7, "seven");
    produce(load, extra, changes("U,1,a1", "D,3,c"));
    // DO_NOTHING: the new load overwrites LOAD00000001.csv; LOAD00000002.csv of the old one stays.
    source.clear();
    source.put(1, "r1");
    source.put(4, "r4");
    produce(fullLoad("LOAD00000001.csv"));
    produce(changes("U,4,r4b"));

    assertThat(replica()).isEqualTo(source);
    assertThat(onStream().stream().filter(ControlRecord.class::isInstance)).hasSize(2 * 2);
  }

  @Test
  void aTruncateAtTheSourceEmptiesTheReplica() {
    source.put(1, "a");
    source.put(2, "b");
    String load = fullLoad("LOAD00000001.csv");
    String change = changes("I,3,c");
    produce(load, change);

    deleteTableFolder(); // truncate: DMS removes the table's files and folder
    source.clear();
    produce(
        engine(Map.of(), UnaryOperator.identity()),
        "req-truncate",
        "ObjectRemoved:Delete",
        load,
        change);
    produce(changes("I,5,e"));

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void deletionsByALifecycleRuleOrAUserPruningOldFilesResetNothing() {
    source.put(1, "a");
    String load = fullLoad("LOAD00000001.csv");
    String change = changes("I,2,b");
    produce(load, change);

    s3.client().deleteObject(b -> b.bucket(bucket).key(change)); // pruned by hand
    produce(
        engine(Map.of(), UnaryOperator.identity()), "req-prune", "ObjectRemoved:Delete", change);
    deleteTableFolder(); // everything expired by a rule
    produce(
        engine(Map.of(), UnaryOperator.identity()),
        "req-expiry",
        "LifecycleExpiration:Delete",
        load);

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void anObjectOverwrittenWhileItIsReadIsSentAsItsNewVersion() {
    for (int i = 1; i <= 8; i++) {
      source.put(i, "v1-" + i);
    }
    String load = fullLoad("LOAD00000001.csv");
    // DMS rewrites the object while the producer is in the middle of it.
    AtomicLong writes = new AtomicLong();
    ProducerEngine overwriting =
        engine(
            Map.of(),
            s ->
                new ForwardingSink(s) {
                  @Override
                  public void write(ChangeRecord r) {
                    if (writes.incrementAndGet() == 4) {
                      source.clear();
                      source.put(1, "v2-1");
                      source.put(9, "v2-9");
                      fullLoad("LOAD00000001.csv");
                    }
                    super.write(r);
                  }
                });
    produce(overwriting, "req-1", "ObjectCreated:Put", load);

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void lostTableStateNeitherLosesChangesNorLeavesOldRows() {
    source.put(1, "a");
    source.put(2, "b");
    produce(fullLoad("LOAD00000001.csv"), changes("U,1,a1"));
    // The state is gone (a lifecycle rule, an operator), and the table was idle meanwhile.
    for (var o :
        s3.client()
            .listObjectsV2(b -> b.bucket(STATE).prefix("state-" + bucket + "/"))
            .contents()) {
      s3.client().deleteObject(b -> b.bucket(STATE).key(o.key()));
    }

    produce(changes("D,2,b", "I,3,c"));

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void aLostContinuationIsPickedUpByTheSweep() {
    for (int i = 1; i <= 6; i++) {
      source.put(i, "n" + i);
    }
    String load = fullLoad("LOAD00000001.csv");
    String change = changes("U,1,x");
    AtomicInteger calls = new AtomicInteger();
    ProducerEngine engine =
        engine(Map.of(FunctionEnvironment.TIME_RESERVE_MS, "1000"), UnaryOperator.identity());
    ProducerResult first =
        new S3ToKinesisHandler(engine, c -> uris -> {}, new CapturedMetrics().metrics()) // lost
            .handleRequest(
                event("ObjectCreated:Put", load, change),
                new TestContext("req-1", () -> calls.incrementAndGet() > 4 ? 500 : 900_000));
    assertThat(first.count(ObjectOutcome.Status.CONTINUED)).isEqualTo(1);

    sweep();

    assertThat(replica()).isEqualTo(source);
  }

  @Test
  void aRunWhoseLeaseRanOutDuringASlowFlushWritesNothingMore() throws Exception {
    for (int i = 1; i <= 6; i++) {
      source.put(i, "n" + i);
    }
    String load = fullLoad("LOAD00000001.csv");
    Map<String, String> shortLease = Map.of(FunctionEnvironment.LEASE_MS, "1500");
    AtomicInteger flushes = new AtomicInteger();
    ProducerEngine stalling =
        engine(
            shortLease,
            s ->
                new ForwardingSink(s) {
                  @Override
                  public void flush() {
                    if (flushes.incrementAndGet() == 2) {
                      // A GC pause or a long throttling backoff: another run takes the table.
                      source.put(1, "n1-changed");
                      String later = changes("U,1,n1-changed");
                      try {
                        Thread.sleep(1700);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      produce(
                          engine(shortLease, UnaryOperator.identity()),
                          "req-B",
                          "ObjectCreated:Put",
                          later);
                    }
                    super.flush();
                  }
                });
    ProducerResult a = produce(stalling, "req-A", "ObjectCreated:Put", load);

    assertThat(a.count(ObjectOutcome.Status.LEASE_LOST)).isEqualTo(1);
    assertThat(replica()).isEqualTo(source);
    List<Object> stream = onStream();
    int lastOfB = -1;
    for (int i = 0; i < stream.size(); i++) {
      if (stream.get(i) instanceof io.cdckinesis.core.Envelope.Data d
          && d.record().position().objectUri().endsWith(".csv")
          && !d.record().position().objectUri().endsWith("LOAD00000001.csv")) {
        lastOfB = i;
      }
    }
    assertThat(stream.subList(lastOfB + 1, stream.size()))
        .as("nothing of the stalled run after the run that took over")
        .isEmpty();
  }

  /** Passes everything on; tests override what they intercept. */
  static class ForwardingSink implements ChangeSink {
    private final ChangeSink delegate;

    ForwardingSink(ChangeSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(ChangeRecord record) {
      delegate.write(record);
    }

    @Override
    public void writeControl(ControlRecord record) {
      delegate.writeControl(record);
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
