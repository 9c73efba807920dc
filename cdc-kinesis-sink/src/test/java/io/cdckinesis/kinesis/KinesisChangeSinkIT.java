package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.kinesis.internal.HashKeys;
import io.cdckinesis.kinesis.testing.InMemoryPayloadStore;
import io.cdckinesis.local.LocalKinesis;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** The sink against kinesalite: what goes in comes back out of every shard, in order per key. */
class KinesisChangeSinkIT {

  private static final String OBJECT = "s3://dms-bucket/sales/OrderLine/20260102-030405123.csv";
  private static LocalKinesis kinesis;
  private static KinesisClient client;
  private final EnvelopeCodec codec = EnvelopeCodec.create();

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
    client = kinesis.client();
  }

  @AfterAll
  static void stop() {
    kinesis.close();
  }

  /** 3,000 changes: 250 order lines (composite key) x 10 changes, and 500 keyless log rows. */
  private static List<ChangeRecord> changes() {
    List<ChangeRecord> out = new ArrayList<>();
    long row = 1;
    for (int round = 0; round < 10; round++) {
      for (int line = 0; line < 250; line++) {
        out.add(
            ChangeRecord.builder()
                .operation(round == 0 ? Operation.INSERT : Operation.UPDATE)
                .table("sales", "OrderLine")
                .value("order_id", "O-" + (line / 5))
                .value("line_no", (long) (line % 5))
                .value("qty", (long) round)
                .value("note", "x".repeat(200))
                .primaryKey("order_id", "line_no")
                .commitTimestamp(Instant.parse("2026-01-02T03:04:05.123456Z"))
                .position(OBJECT, row, row + 1)
                .build());
        row++;
      }
      for (int i = 0; i < 50; i++) {
        out.add(
            ChangeRecord.builder()
                .operation(Operation.INSERT)
                .table("app", "Log")
                .value("msg", "event " + row)
                .position("s3://dms-bucket/app/Log/20260102-030405123.csv", row, row + 1)
                .build());
        row++;
      }
    }
    return out;
  }

  private static Map<Shard, List<Record>> readAll(String stream) {
    return LocalKinesis.readAll(client, stream);
  }

  private static String keyOf(ChangeRecord r) {
    return r.tableId() + "|" + r.keyValues();
  }

  private void assertReadBackExactlyInOrder(List<ChangeRecord> written, List<ChangeRecord> back) {
    assertThat(back).hasSameSizeAs(written).containsExactlyInAnyOrderElementsOf(written);
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    written.forEach(
        r -> expected.computeIfAbsent(keyOf(r), k -> new ArrayList<>()).add(r.position().row()));
    Map<String, List<Long>> actual = new LinkedHashMap<>();
    back.forEach(
        r -> actual.computeIfAbsent(keyOf(r), k -> new ArrayList<>()).add(r.position().row()));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void plainRecordsComeBackFromEveryShardExactlyAndInOrderPerKey() {
    kinesis.createStream("plain", 4);
    List<ChangeRecord> written = changes();
    SinkMetrics m;
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder().client(client).streamName("plain").build()) {
      written.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    assertThat(m.recordsWritten()).isEqualTo(written.size());
    assertThat(m.failedEntries()).isZero();

    Map<Shard, List<Record>> shards = readAll("plain");
    List<ChangeRecord> back = new ArrayList<>();
    shards
        .values()
        .forEach(rs -> rs.forEach(r -> back.add(codec.decodeRecord(r.data().asByteArray()))));
    assertReadBackExactlyInOrder(written, back);
    assertThat(shards.values()).allSatisfy(rs -> assertThat(rs).isNotEmpty());
  }

  @Test
  void aggregatedRecordsDeaggregateWithOursAndTheKclToExactlyWhatWasWritten() {
    kinesis.createStream("aggregated", 4);
    List<ChangeRecord> written = changes();
    KinesisSinkConfig config = KinesisSinkConfig.builder().aggregation(true).build();
    SinkMetrics m;
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(client)
            .streamName("aggregated")
            .config(config)
            .build()) {
      written.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    assertThat(m.recordsWritten()).isEqualTo(written.size());
    assertThat(m.userRecordsPerKinesisRecord()).isGreaterThan(50);

    Map<Shard, List<Record>> shards = readAll("aggregated");
    AggregatorUtil kcl = new AggregatorUtil();
    List<ChangeRecord> ours = new ArrayList<>();
    List<ChangeRecord> theirs = new ArrayList<>();
    for (Map.Entry<Shard, List<Record>> e : shards.entrySet()) {
      BigInteger start = new BigInteger(e.getKey().hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(e.getKey().hashKeyRange().endingHashKey());
      List<KinesisClientRecord> kclIn = new ArrayList<>();
      for (Record r : e.getValue()) {
        for (DeaggregatedRecord d :
            KplDeaggregator.deaggregate(r.data().asByteArray(), r.partitionKey(), null)) {
          ours.add(codec.decodeRecord(d.data()));
          // each row sits in the shard its own partition key maps to
          assertThat(HashKeys.of(d.partitionKey())).isBetween(start, end);
        }
        kclIn.add(KinesisClientRecord.fromRecord(r));
      }
      for (KinesisClientRecord k : kcl.deaggregate(kclIn, start, end)) {
        ByteBuffer b = k.data().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        theirs.add(codec.decodeRecord(bytes));
      }
    }
    assertReadBackExactlyInOrder(written, ours);
    assertThat(theirs).isEqualTo(ours);
  }

  @Test
  void aRowOfOneAndAHalfMebibytesTravelsByClaimCheck() {
    kinesis.createStream("claim-check", 2);
    InMemoryPayloadStore store = new InMemoryPayloadStore();
    ChangeRecord big =
        ChangeRecord.builder()
            .operation(Operation.UPDATE)
            .table("docs", "Document")
            .value("id", 42L)
            .value("body", "b".repeat(1536 * 1024))
            .primaryKey("id")
            .position("s3://dms-bucket/docs/Document/20260102-030405123.csv", 3, 4)
            .build();
    ChangeRecord small =
        ChangeRecord.builder()
            .operation(Operation.UPDATE)
            .table("docs", "Document")
            .value("id", 42L)
            .value("body", "short")
            .primaryKey("id")
            .position("s3://dms-bucket/docs/Document/20260102-030405123.csv", 4, 5)
            .build();
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(client)
            .streamName("claim-check")
            .payloadStore(store)
            .build()) {
      sink.write(big);
      sink.write(small);
      sink.flush();
      assertThat(sink.metrics().oversizeRecords()).isEqualTo(1);
    }
    List<Record> records = new ArrayList<>();
    readAll("claim-check").values().forEach(records::addAll);
    assertThat(records).hasSize(2);
    Envelope first = codec.decode(records.get(0).data().asByteArray());
    assertThat(first).isInstanceOf(Envelope.Pointer.class);
    Envelope.Pointer pointer = (Envelope.Pointer) first;
    assertThat(records.get(0).data().asByteArray().length).isLessThan(2048);
    assertThat(codec.decodeRecord(store.get(pointer.payload().uri()))).isEqualTo(big);
    assertThat(codec.decodeRecord(records.get(1).data().asByteArray())).isEqualTo(small);
  }
}
