package io.cdckinesis.benchmarks;

import ch.qos.logback.classic.Level;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.local.sim.CallLatency;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.StoredRecord;
import io.cdckinesis.local.sim.StreamStats;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The Kinesis sink at the stream's limits: loads DMS-like change rows into a {@link
 * SimulatedKinesis} stream (30 ms per call, Kinesis's per-shard limits of 1 MiB and 1,000 records
 * per rolling second, throttled entries not stored) with 4 and 16 shards, plain and aggregated, and
 * reports per load:
 *
 * <ul>
 *   <li>elapsed time, split into start-up (up to the first PutRecords call) and sending (from the
 *       first PutRecords call to the end of {@code flush});
 *   <li>the stream's floor: the time the records and bytes written need at exactly each shard's
 *       limits (the busiest shard decides);
 *   <li>utilisation: the floor over the sending time;
 *   <li>the share of entries throttled, and PutRecords calls per 10,000 rows.
 * </ul>
 *
 * <p>Every stream is read back as the KCL reads it (parents before children, aggregates holding a
 * key the shard does not own dropped), and the run fails unless every row arrived exactly once and
 * every key's rows in order. Optionally the same loads with one call in flight, for a ratio.
 *
 * <p>Run: {@code tools/sink-benchmark [--rows N] [--keys N] [--shards 4,16] [--latency-ms 30]
 * [--in-flight N] [--aggregate-bytes N] [--baseline] [--seed N]}.
 */
public final class SinkBenchmark {

  private static final EnvelopeCodec CODEC = EnvelopeCodec.create();
  private static final long MIB = 1024 * 1024;

  private SinkBenchmark() {}

  /** One load's figures. */
  record Result(
      String name,
      int rows,
      double elapsed,
      double startup,
      double sending,
      double floor,
      double throttledShare,
      double callsPer10k,
      long kinesisRecords,
      SinkMetrics metrics) {

    double utilisation() {
      return floor / sending;
    }
  }

  /** Settings from the command line. */
  record Settings(
      int rows,
      int keys,
      List<Integer> shards,
      Duration latency,
      Integer inFlight,
      Integer aggregateBytes,
      boolean baseline,
      long seed) {

    static Settings parse(String[] args) {
      int rows = 200_000;
      int keys = 50_000;
      List<Integer> shards = List.of(4, 16);
      Duration latency = Duration.ofMillis(30);
      Integer inFlight = null;
      Integer aggregateBytes = null;
      boolean baseline = false;
      long seed = 20261130L;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--rows" -> rows = Integer.parseInt(args[++i]);
          case "--keys" -> keys = Integer.parseInt(args[++i]);
          case "--shards" -> {
            List<Integer> s = new ArrayList<>();
            for (String n : args[++i].split(",")) {
              s.add(Integer.parseInt(n.trim()));
            }
            shards = s;
          }
          case "--latency-ms" -> latency = Duration.ofMillis(Long.parseLong(args[++i]));
          case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
          case "--aggregate-bytes" -> aggregateBytes = Integer.parseInt(args[++i]);
          case "--baseline" -> baseline = true;
          case "--seed" -> seed = Long.parseLong(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return new Settings(rows, keys, shards, latency, inFlight, aggregateBytes, baseline, seed);
    }
  }

  public static void main(String[] args) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
    Settings s = Settings.parse(args);
    List<ChangeRecord> data = rows(s.rows(), s.keys(), s.seed());
    double envelope =
        data.stream().limit(10_000).mapToInt(r -> CODEC.encode(r).length).average().orElse(0);
    double csv = data.stream().limit(10_000).mapToInt(SinkBenchmark::csvLength).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "%,d rows over %,d keys: DMS rows of about %.0f bytes as CSV, envelopes of %.0f bytes;"
            + " SimulatedKinesis with %d ms per call, shards of 1 MiB and 1,000 records per"
            + " rolling second%n",
        s.rows(),
        s.keys(),
        csv,
        envelope,
        s.latency().toMillis());

    // Warm-up: JIT the codec and the sink on a short load, not measured.
    run("warm-up", rows(20_000, 5_000, 1), 4, false, 8, s, true);
    // What the producer alone can do here: a floor that needs rows faster than this is CPU-bound.
    long e0 = System.nanoTime();
    long sink = 0;
    for (ChangeRecord r : data) {
      sink += CODEC.encode(r).length + PartitionKeys.of(r).length();
    }
    double encodeRate = data.size() / ((System.nanoTime() - e0) / 1e9);
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, load average %.1f; encoding alone runs at %,.0f rows/s (%d bytes)%n",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        encodeRate,
        sink);

    List<Result> results = new ArrayList<>();
    for (boolean aggregate : List.of(false, true)) {
      for (int shards : s.shards()) {
        String name = (aggregate ? "aggregated, " : "plain, ") + shards + " shards";
        results.add(run(name, data, shards, aggregate, s.inFlight(), s, false));
        if (s.baseline()) {
          results.add(run(name + ", 1 call", data, shards, aggregate, 1, s, false));
        }
      }
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "| %-28s | %8s | %8s | %8s | %8s | %11s | %9s | %14s | %s |%n",
        "load",
        "elapsed",
        "start-up",
        "sending",
        "floor",
        "utilisation",
        "throttled",
        "calls/10k rows",
        "Kinesis records");
    System.out.println(
        "|------------------------------|----------|----------|----------|----------|-------------|-----------|----------------|-----------------|");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %-28s | %7.1fs | %7.2fs | %7.1fs | %7.1fs | %10.0f%% | %8.2f%% | %14.1f | %,15d |%n",
          r.name(),
          r.elapsed(),
          r.startup(),
          r.sending(),
          r.floor(),
          100 * r.utilisation(),
          100 * r.throttledShare(),
          r.callsPer10k(),
          r.kinesisRecords());
    }
    System.out.printf(
        Locale.ROOT,
        "load average at the end %.1f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println();
    System.out.println(
        "every load: each of the "
            + String.format(Locale.ROOT, "%,d", s.rows())
            + " rows read back exactly once, every key's rows in order");
  }

  static Result run(
      String name,
      List<ChangeRecord> rows,
      int shards,
      boolean aggregate,
      Integer inFlight,
      Settings s,
      boolean quiet) {
    SimulatedKinesis sim =
        SimulatedKinesis.builder()
            .clock(Clock.systemUTC())
            .latency(CallLatency.fixed(s.latency()))
            .build();
    String stream = "bench";
    sim.createStream(stream, shards);
    FirstPut client = new FirstPut(sim);
    KinesisSinkConfig.Builder config = KinesisSinkConfig.builder().aggregation(aggregate);
    if (inFlight != null) {
      config.maxCallsInFlight(inFlight);
    }
    if (s.aggregateBytes() != null) {
      config.maxAggregateBytes(s.aggregateBytes());
    }
    long start = System.nanoTime();
    SinkMetrics m;
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(client)
            .streamName(stream)
            .config(config.build())
            .timeBudget(Duration.ofMinutes(10))
            .build()) {
      rows.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    long end = System.nanoTime();
    StreamStats stats = sim.stats(stream);
    check(name, sim, stream, rows);
    double elapsed = (end - start) / 1e9;
    double startup = (client.firstPutNanos.get() - start) / 1e9;
    Result r =
        new Result(
            name,
            rows.size(),
            elapsed,
            startup,
            elapsed - startup,
            floor(sim, stream),
            (double) stats.entriesThrottled() / stats.entriesReceived(),
            stats.putCalls() * 10_000.0 / rows.size(),
            stats.entriesStored(),
            m);
    if (!quiet) {
      System.out.printf(
          Locale.ROOT,
          "%-28s %6.1f s, utilisation %3.0f%%, %.2f%% throttled, %s%n",
          name,
          r.elapsed(),
          100 * r.utilisation(),
          100 * r.throttledShare(),
          m);
    }
    return r;
  }

  /**
   * The stream's floor for what was written: the busiest shard's records and bytes at exactly its
   * limits (1,000 records and 1 MiB per second).
   */
  static double floor(SimulatedKinesis sim, String stream) {
    double floor = 0;
    for (Shard shard : sim.shards(stream)) {
      long records = 0;
      long bytes = 0;
      for (StoredRecord r : sim.records(stream, shard.shardId())) {
        records++;
        bytes += r.data().length + r.partitionKey().length();
      }
      floor = Math.max(floor, Math.max(records / 1000.0, bytes / (double) MIB));
    }
    return floor;
  }

  /**
   * Reads the stream back as the KCL does and fails unless every row arrived exactly once and each
   * key's rows in order.
   */
  static void check(String name, SimulatedKinesis sim, String stream, List<ChangeRecord> rows) {
    BitSet seen = new BitSet(rows.size() + 1);
    Map<String, Long> lastRowOfKey = new HashMap<>();
    long duplicates = 0;
    long outOfOrder = 0;
    long read = 0;
    for (Shard shard : sim.shards(stream)) { // parents were created before their children
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      for (StoredRecord r : sim.records(stream, shard.shardId())) {
        for (DeaggregatedRecord d :
            KplDeaggregator.deaggregate(r.data(), r.partitionKey(), null, start, end)) {
          long row = CODEC.decodeRecord(d.data()).position().row();
          read++;
          if (seen.get((int) row)) {
            duplicates++;
          }
          seen.set((int) row);
          Long last = lastRowOfKey.put(d.partitionKey(), row);
          if (last != null && last > row) {
            outOfOrder++;
          }
        }
      }
    }
    int missing = rows.size() - seen.cardinality();
    if (missing != 0 || duplicates != 0 || outOfOrder != 0) {
      throw new IllegalStateException(
          name
              + ": read back "
              + read
              + " rows: "
              + missing
              + " missing, "
              + duplicates
              + " duplicates, "
              + outOfOrder
              + " out of order for their key");
    }
  }

  /** DMS-like change rows: an insert, then updates and the odd delete, to random keys. */
  static List<ChangeRecord> rows(int count, int keys, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] first = {"Ann", "Zoë", "José", "Björn", "Li", "Ngozi", "Marta", "Oliver"};
    String[] last = {"Smith", "Núñez", "O'Brien", "Müller", "Okafor", "Johansson"};
    String[] city = {"Lisboa", "Köln", "Zürich", "Québec", "Oslo", "Porto"};
    String[] status = {"NEW", "ACTIVE", "SUSPENDED", "CLOSED"};
    boolean[] inserted = new boolean[keys];
    LocalDateTime base = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
    List<ChangeRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int key = random.nextInt(keys);
      Operation op =
          !inserted[key]
              ? Operation.INSERT
              : random.nextInt(20) == 0 ? Operation.DELETE : Operation.UPDATE;
      inserted[key] = op != Operation.DELETE;
      String f = first[random.nextInt(first.length)];
      String l = last[random.nextInt(last.length)];
      out.add(
          ChangeRecord.builder()
              .operation(op)
              .table("sales", "customer")
              .value("customer_id", 1_000_000L + key)
              .value("first_name", f)
              .value("last_name", l)
              .value("email", f.toLowerCase(Locale.ROOT) + "." + key + "@example.com")
              .value("phone", "+351 21 " + (1_000_000 + random.nextInt(9_000_000)))
              .value(
                  "street",
                  (1 + random.nextInt(999)) + ", Rua da Prata, " + (1 + random.nextInt(9)))
              .value("city", city[random.nextInt(city.length)])
              .value("postcode", (1000 + random.nextInt(8999)) + "-" + (100 + random.nextInt(899)))
              .value(
                  "note",
                  "regular customer since " + (2000 + random.nextInt(24)) + ", prefers email")
              .value("balance", BigDecimal.valueOf(random.nextInt(10_000_000), 2))
              .value("created", base.minusDays(random.nextInt(3000)))
              .value("status", status[random.nextInt(status.length)])
              .value("code", "C" + Long.toHexString(key * 2654435761L))
              .value("active", random.nextBoolean())
              .value("segment", random.nextBoolean() ? "retail" : "wholesale")
              .value("loyalty_points", (long) random.nextInt(100_000))
              .value("last_order", base.minusHours(random.nextInt(20_000)))
              .value("updated_by", "app_service_" + random.nextInt(20))
              .primaryKey("customer_id")
              .commitTimestamp(Instant.parse("2026-01-02T03:04:05.123456Z").plusMillis(i))
              .position("s3://dms/sales/customer/20260102-030405123.csv", i + 1, i + 2)
              .build());
    }
    return out;
  }

  /** The row's length in a DMS CSV file: Op, commit timestamp and the values, comma-separated. */
  static int csvLength(ChangeRecord r) {
    int n = 2 + 27; // "U," and the timestamp column
    for (String c : r.columns()) {
      Object v = r.value(c);
      n += (v == null ? 0 : v.toString().length()) + 1;
    }
    return n;
  }

  /** Passes the sink's calls to the simulator, noting when the first PutRecords call went. */
  static final class FirstPut implements KinesisClient {
    final KinesisClient delegate;
    final AtomicLong firstPutNanos = new AtomicLong(-1);

    FirstPut(KinesisClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public PutRecordsResponse putRecords(PutRecordsRequest request) {
      firstPutNanos.compareAndSet(-1, System.nanoTime());
      return delegate.putRecords(request);
    }

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
      return delegate.listShards(request);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }
}
