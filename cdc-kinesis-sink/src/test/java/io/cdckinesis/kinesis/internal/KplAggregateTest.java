package io.cdckinesis.kinesis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.kinesis.KplFormatException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

class KplAggregateTest {

  private static final int ONE_MIB = 1024 * 1024;
  private long seq;

  private UserRecord user(String key, byte[] data) {
    seq++;
    return UserRecord.of(
        seq,
        key,
        data,
        false,
        TableId.of("dbo", "T"),
        new SourcePosition("s3://b/k.csv", seq, seq + 1));
  }

  private UserRecord user(String key, String data) {
    return user(key, data.getBytes(StandardCharsets.UTF_8));
  }

  /** What the KCL makes of a Kinesis record, as (key, hash key, data) triples. */
  private static List<List<Object>> kcl(
      byte[] data, String key, String ehk, BigInteger start, BigInteger end) {
    KinesisClientRecord r =
        KinesisClientRecord.builder()
            .data(ByteBuffer.wrap(data))
            .partitionKey(key)
            .explicitHashKey(ehk)
            .sequenceNumber("49000000000000000000000000000000000000000000000000000001")
            .approximateArrivalTimestamp(Instant.parse("2026-01-01T00:00:00Z"))
            .build();
    AggregatorUtil util = new AggregatorUtil();
    List<KinesisClientRecord> out =
        start == null ? util.deaggregate(List.of(r)) : util.deaggregate(List.of(r), start, end);
    List<List<Object>> triples = new ArrayList<>();
    for (KinesisClientRecord k : out) {
      ByteBuffer b = k.data().duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      triples.add(
          Arrays.asList(
              k.partitionKey(), k.explicitHashKey(), new String(bytes, StandardCharsets.UTF_8)));
    }
    return triples;
  }

  private static List<List<Object>> ours(byte[] data, String key, String ehk) {
    List<List<Object>> triples = new ArrayList<>();
    for (DeaggregatedRecord d : KplDeaggregator.deaggregate(data, key, ehk)) {
      triples.add(
          Arrays.asList(
              d.partitionKey(), d.explicitHashKey(), new String(d.data(), StandardCharsets.UTF_8)));
    }
    return triples;
  }

  private static KplAggregate aggregate(List<UserRecord> records, int cap) {
    KplAggregate a = new KplAggregate(records.get(0), cap);
    for (UserRecord u : records.subList(1, records.size())) {
      assertThat(a.tryAdd(u)).isTrue();
    }
    return a;
  }

  @Test
  void aggregatesReadTheSameWithTheKclAndWithOurDeaggregator() {
    List<UserRecord> records = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      String key = "dbo.T|" + random.nextInt(40);
      records.add(
          user(key, "{\"n\":" + i + ",\"pad\":\"" + "é".repeat(random.nextInt(50)) + "\"}"));
    }
    KplAggregate a = aggregate(records, ONE_MIB);
    byte[] bytes = a.serialize();
    String key = a.partitionKey();

    assertThat(KplDeaggregator.isAggregated(bytes)).isTrue();
    assertThat(key).isEqualTo(records.get(0).partitionKey());
    List<List<Object>> expected = new ArrayList<>();
    for (UserRecord u : records) {
      expected.add(
          Arrays.asList(u.partitionKey(), null, new String(u.data(), StandardCharsets.UTF_8)));
    }
    assertThat(ours(bytes, key, null)).isEqualTo(expected);
    assertThat(kcl(bytes, key, null, null, null)).isEqualTo(expected);
    assertThat(KplDeaggregator.deaggregate(bytes, key, null))
        .extracting(DeaggregatedRecord::subSequenceNumber)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 200).boxed().toList());
  }

  @Test
  void readingAShardDropsAnAggregateWithKeysItDoesNotOwnAsTheKclDoes() {
    // Keys from all over the hash space in one aggregate (as packed with a stale shard map): a
    // reader of either half drops the whole aggregate, exactly as the KCL does.
    List<UserRecord> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(user("dbo.T|" + i, "{\"i\":" + i + "}"));
    }
    byte[] bytes = aggregate(records, ONE_MIB).serialize();
    BigInteger half = BigInteger.ONE.shiftLeft(127);
    BigInteger[][] ranges = {
      {BigInteger.ZERO, half.subtract(BigInteger.ONE)},
      {half, HashKeys.MAX},
      {BigInteger.ZERO, HashKeys.MAX}
    };
    int[] expected = {0, 0, 50};
    for (int r = 0; r < ranges.length; r++) {
      BigInteger start = ranges[r][0];
      BigInteger end = ranges[r][1];
      List<List<Object>> mine = new ArrayList<>();
      for (DeaggregatedRecord d : KplDeaggregator.deaggregate(bytes, "dbo.T|0", null, start, end)) {
        mine.add(
            Arrays.asList(
                d.partitionKey(),
                d.explicitHashKey(),
                new String(d.data(), StandardCharsets.UTF_8)));
      }
      assertThat(mine).hasSize(expected[r]).isEqualTo(kcl(bytes, "dbo.T|0", null, start, end));
    }
    // keys of one half only: that half's reader keeps them all
    List<UserRecord> lower = new ArrayList<>();
    for (int i = 0; lower.size() < 10; i++) {
      UserRecord u = user("dbo.T|" + i, "{}");
      if (u.hashKey().compareTo(half) < 0) {
        lower.add(u);
      }
    }
    byte[] low = aggregate(lower, ONE_MIB).serialize();
    assertThat(
            KplDeaggregator.deaggregate(
                low,
                lower.get(0).partitionKey(),
                null,
                BigInteger.ZERO,
                half.subtract(BigInteger.ONE)))
        .hasSize(10);
    // a plain record is never dropped: Kinesis routed it by its own key
    byte[] plain = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(
            KplDeaggregator.deaggregate(plain, "dbo.T|1", null, BigInteger.ZERO, BigInteger.ZERO))
        .hasSize(1);
  }

  @Test
  void theProtobufIsWhatTheKplSchemaDescribes() throws Exception {
    KplAggregate a = new KplAggregate(user("k1", "a"), ONE_MIB);
    a.tryAdd(user("k2", "bb"));
    a.tryAdd(user("k1", "ccc"));
    byte[] bytes = a.serialize();
    byte[] pb = Arrays.copyOfRange(bytes, 4, bytes.length - 16);
    assertThat(Arrays.copyOfRange(bytes, 0, 4))
        .containsExactly(0xF3 - 256, 0x89 - 256, 0x9A - 256, 0xC2 - 256);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length))
        .isEqualTo(MessageDigest.getInstance("MD5").digest(pb));

    Messages.AggregatedRecord parsed = Messages.AggregatedRecord.parseFrom(pb);
    assertThat(parsed.getPartitionKeyTableList()).containsExactly("k1", "k2");
    assertThat(parsed.getExplicitHashKeyTableList()).isEmpty();
    assertThat(parsed.getRecordsList())
        .extracting(
            r -> r.getPartitionKeyIndex(),
            r -> r.hasExplicitHashKeyIndex(),
            r -> r.getData().toStringUtf8())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, false, "a"),
            org.assertj.core.groups.Tuple.tuple(1L, false, "bb"),
            org.assertj.core.groups.Tuple.tuple(0L, false, "ccc"));
    // our size bookkeeping equals the protobuf library's own
    assertThat(parsed.getSerializedSize()).isEqualTo(pb.length);
  }

  @Test
  void anAggregateFillsToExactlyItsCapAndNoFurther() {
    int limit = 4096;
    UserRecord first = user("key-0", new byte[100]);
    KplAggregate a = new KplAggregate(first, limit);
    assertThat(KplAggregate.sizeAlone(first)).isEqualTo(a.kinesisBytes());
    int i = 1;
    while (true) {
      int room = limit - a.kinesisBytes();
      // a record that takes exactly the room left, if the framing allows; else a small one
      UserRecord next = user("key-" + (i % 3), new byte[Math.max(1, Math.min(100, room - 8))]);
      if (!a.tryAdd(next)) {
        assertThat(a.growthIfAdded(next)).isEqualTo(-1);
        break;
      }
      i++;
    }
    byte[] bytes = a.serialize();
    int kinesisBytes = bytes.length + first.partitionKeyBytes();
    assertThat(kinesisBytes).isEqualTo(a.kinesisBytes()).isLessThanOrEqualTo(limit);
    assertThat(limit - kinesisBytes).isLessThan(16); // filled up to the framing of one more record
    assertThat(KplDeaggregator.deaggregate(bytes, "key-0", null)).hasSize(a.size());
  }

  @Test
  void aRecordTooBigForAnAggregateIsReportedSo() {
    byte[] data = new byte[ONE_MIB - 30];
    UserRecord big = user("k", data);
    assertThat(big.kinesisBytes()).isLessThanOrEqualTo(ONE_MIB);
    assertThat(KplAggregate.sizeAlone(big)).isGreaterThan(ONE_MIB);
    assertThat(KplAggregate.sizeAlone(user("k", new byte[ONE_MIB - 200]))).isLessThan(ONE_MIB);
    assertThatThrownBy(() -> new KplAggregate(big, ONE_MIB))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void plainRecordsPassThroughAsOne() {
    byte[] json = "{\"data\":{}}".getBytes(StandardCharsets.UTF_8);
    assertThat(KplDeaggregator.deaggregate(json, "k", null))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.aggregated()).isFalse();
              assertThat(d.partitionKey()).isEqualTo("k");
              assertThat(d.data()).isEqualTo(json);
            });
    assertThat(ours(json, "k", null)).isEqualTo(kcl(json, "k", null, null, null));
  }

  @Test
  void aDamagedAggregateIsAnError() {
    KplAggregate a = new KplAggregate(user("k1", "a"), ONE_MIB);
    a.tryAdd(user("k2", "b"));
    byte[] bytes = a.serialize();
    bytes[10] ^= 1;
    assertThatThrownBy(() -> KplDeaggregator.deaggregate(bytes, "k1", null))
        .isInstanceOf(KplFormatException.class)
        .hasMessageContaining("MD5");
  }

  @Test
  void anAggregateReferringToMissingKeysIsAnError() throws Exception {
    byte[] pb =
        Messages.AggregatedRecord.newBuilder()
            .addPartitionKeyTable("k")
            .addRecords(
                Messages.Record.newBuilder()
                    .setPartitionKeyIndex(3)
                    .setData(ByteString.copyFromUtf8("x")))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> KplDeaggregator.deaggregate(framed(pb), "k", null))
        .isInstanceOf(KplFormatException.class)
        .hasMessageContaining("key table");
  }

  @Test
  void readsAggregatesWrittenByTheKplSchemaWithoutHashKeysOrWithTags() throws Exception {
    byte[] pb =
        Messages.AggregatedRecord.newBuilder()
            .addPartitionKeyTable("a")
            .addPartitionKeyTable("b")
            .addRecords(
                Messages.Record.newBuilder()
                    .setPartitionKeyIndex(1)
                    .setData(ByteString.copyFromUtf8("one"))
                    .addTags(Messages.Tag.newBuilder().setKey("t").setValue("v")))
            .addRecords(
                Messages.Record.newBuilder()
                    .setPartitionKeyIndex(0)
                    .setData(ByteString.copyFromUtf8("two")))
            .build()
            .toByteArray();
    byte[] bytes = framed(pb);
    assertThat(ours(bytes, "outer", null))
        .isEqualTo(kcl(bytes, "outer", null, null, null))
        .containsExactly(Arrays.asList("b", null, "one"), Arrays.asList("a", null, "two"));
  }

  private static byte[] framed(byte[] pb) throws Exception {
    byte[] md5 = MessageDigest.getInstance("MD5").digest(pb);
    byte[] out = new byte[4 + pb.length + 16];
    System.arraycopy(KplAggregate.MAGIC, 0, out, 0, 4);
    System.arraycopy(pb, 0, out, 4, pb.length);
    System.arraycopy(md5, 0, out, 4 + pb.length, 16);
    return out;
  }
}
