package io.cdckinesis.benchmarks;

import ch.qos.logback.classic.Level;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.local.LocalKinesis;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The Kinesis sink against the strategy of the original AWS sample (one PutRecord call per row), in
 * one run against kinesalite: records per second and calls per 10,000 rows, with and without
 * aggregation. Every stream is read back afterwards to check that all rows arrived.
 *
 * <p>Run: {@code tools/sink-benchmark [rows] [shards]} (defaults 20000 and 4).
 */
public final class SinkBenchmark {

  private static final EnvelopeCodec CODEC = EnvelopeCodec.create();

  private SinkBenchmark() {}

  record Result(String name, int rows, long nanos, long calls, long kinesisRecords) {
    double recordsPerSecond() {
      return rows / (nanos / 1e9);
    }

    double callsPer10k() {
      return calls * 10_000.0 / rows;
    }
  }

  public static void main(String[] args) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN); // the SDK at DEBUG would dominate the timings
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int shards = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    List<ChangeRecord> data = changes(rows);
    double envelope = data.stream().mapToInt(r -> CODEC.encode(r).length).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "%d rows, envelopes of %.0f bytes on average, %d-shard streams, kinesalite%n",
        rows,
        envelope,
        shards);

    try (LocalKinesis kinesis = LocalKinesis.start()) {
      KinesisClient client = kinesis.client();
      // Warm-up: JIT and the emulator, on throw-away streams.
      List<ChangeRecord> warm = changes(3_000);
      kinesis.createStream("warm-a", shards);
      kinesis.createStream("warm-b", shards);
      kinesis.createStream("warm-c", shards);
      onePutRecordPerRow(client, "warm-a", warm);
      sink(client, "warm-b", warm, false);
      sink(client, "warm-c", warm, true);

      kinesis.createStream("baseline", shards);
      kinesis.createStream("sink-plain", shards);
      kinesis.createStream("sink-aggregated", shards);
      Result baseline = onePutRecordPerRow(client, "baseline", data);
      Result plain = sink(client, "sink-plain", data, false);
      Result aggregated = sink(client, "sink-aggregated", data, true);

      System.out.printf(
          Locale.ROOT,
          "%-36s %12s %10s %16s %16s%n",
          "strategy",
          "records/s",
          "x baseline",
          "calls/10k rows",
          "Kinesis records");
      for (Result r : List.of(baseline, plain, aggregated)) {
        System.out.printf(
            Locale.ROOT,
            "%-36s %12.0f %10.1f %16.1f %16d%n",
            r.name(),
            r.recordsPerSecond(),
            r.recordsPerSecond() / baseline.recordsPerSecond(),
            r.callsPer10k(),
            r.kinesisRecords());
      }
      for (String stream : List.of("baseline", "sink-plain", "sink-aggregated")) {
        long back = countRows(client, stream);
        if (back != rows) {
          throw new IllegalStateException(stream + " holds " + back + " rows, not " + rows);
        }
      }
      System.out.println("read back: every stream holds all " + rows + " rows");
    }
  }

  /** The original sample's way: one PutRecord call per row, partition key as the sink's. */
  static Result onePutRecordPerRow(KinesisClient client, String stream, List<ChangeRecord> rows) {
    long start = System.nanoTime();
    for (ChangeRecord r : rows) {
      byte[] data = CODEC.encode(r);
      client.putRecord(
          b ->
              b.streamName(stream)
                  .partitionKey(PartitionKeys.of(r))
                  .data(SdkBytes.fromByteArrayUnsafe(data)));
    }
    long nanos = System.nanoTime() - start;
    return new Result(
        "one PutRecord per row (AWS sample)", rows.size(), nanos, rows.size(), rows.size());
  }

  static Result sink(
      KinesisClient client, String stream, List<ChangeRecord> rows, boolean aggregate) {
    KinesisSinkConfig config = KinesisSinkConfig.builder().aggregation(aggregate).build();
    long start = System.nanoTime();
    SinkMetrics m;
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder().client(client).streamName(stream).config(config).build()) {
      rows.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    long nanos = System.nanoTime() - start;
    return new Result(
        aggregate ? "KinesisChangeSink, KPL aggregation" : "KinesisChangeSink, PutRecords",
        rows.size(),
        nanos,
        m.putRecordsCalls(),
        m.kinesisRecordsWritten());
  }

  /**
   * Small rows (envelopes of about 300 bytes, most of it metadata): 4 changes to each of rows/4
   * customers, interleaved.
   */
  static List<ChangeRecord> changes(int rows) {
    List<ChangeRecord> out = new ArrayList<>(rows);
    int customers = Math.max(1, rows / 4);
    for (int i = 0; i < rows; i++) {
      long id = i % customers;
      out.add(
          ChangeRecord.builder()
              .operation(i < customers ? Operation.INSERT : Operation.UPDATE)
              .table("dbo", "Customer")
              .value("customer_id", 100_000 + id)
              .value("name", "Customer " + (id % 997))
              .value("balance", new BigDecimal(i % 10_000).movePointLeft(2))
              .primaryKey("customer_id")
              .commitTimestamp(Instant.parse("2026-01-02T03:04:05.123456Z").plusMillis(i))
              .position("s3://dms/dbo/Customer/20260102-030405123.csv", i + 1, i + 2)
              .build());
    }
    return out;
  }

  /** Change records in a stream, aggregates unpacked. */
  static long countRows(KinesisClient client, String stream) {
    long count = 0;
    for (List<Record> shard : LocalKinesis.readAll(client, stream).values()) {
      for (Record r : shard) {
        count += KplDeaggregator.deaggregate(r.data().asByteArray(), r.partitionKey(), null).size();
      }
    }
    return count;
  }
}
