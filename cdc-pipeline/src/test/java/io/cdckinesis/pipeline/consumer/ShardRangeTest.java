package io.cdckinesis.pipeline.consumer;

import static io.cdckinesis.pipeline.consumer.Changes.CODEC;
import static io.cdckinesis.pipeline.consumer.Changes.change;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.spi.ShardRanges;
import io.cdckinesis.core.spi.ShardRanges.HashKeyRange;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.pipeline.consumer.Changes.Sub;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Sub-records of an aggregate that belong to another shard are dropped, as the KCL drops them. */
class ShardRangeTest {

  private static final String STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/changes";
  private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);
  private static final HashKeyRange LOWER =
      new HashKeyRange(BigInteger.ZERO, HALF.subtract(BigInteger.ONE));

  private final TestReplica replica = new TestReplica();

  private ChangeConsumer consumer(ShardRanges ranges) {
    return ChangeConsumer.builder()
        .handlers(TableHandlers.builder().defaultHandler(replica).build())
        .deadLetters(d -> {})
        .shardRanges(ranges)
        .build();
  }

  private static BigInteger md5(String key) throws Exception {
    return new BigInteger(
        1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** Rows whose partition keys hash into the lower and the upper half of the key space. */
  private static List<ChangeRecord> rows(boolean lower, int n) throws Exception {
    List<ChangeRecord> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      ChangeRecord r = change("T", "k" + i, Operation.INSERT, i + 1);
      if ((md5(PartitionKeys.of(r)).compareTo(HALF) < 0) == lower) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void dropsSubRecordsWhoseHashKeyIsOutsideTheShardsRange() throws Exception {
    ChangeRecord inside = rows(true, 1).get(0);
    ChangeRecord outside = rows(false, 1).get(0);
    ChangeRecord explicitOutside = rows(true, 2).get(1);
    byte[] aggregate =
        Changes.aggregate(
            List.of(
                new Sub(PartitionKeys.of(inside), null, CODEC.encode(inside)),
                new Sub(PartitionKeys.of(outside), null, CODEC.encode(outside)),
                // The explicit hash key routes it, whatever its partition key hashes to.
                new Sub(
                    PartitionKeys.of(explicitOutside),
                    HALF.toString(),
                    CODEC.encode(explicitOutside))));
    List<String> asked = new ArrayList<>();
    ShardRanges ranges =
        (stream, shard) -> {
          asked.add(stream + " " + shard);
          return Optional.of(LOWER);
        };

    BatchResult r =
        consumer(ranges)
            .process(
                List.of(new StreamRecord(STREAM, "shardId-000000000000", "1", aggregate, null)));

    assertThat(r.outOfRange()).isEqualTo(2);
    assertThat(r.applied()).isEqualTo(1);
    assertThat(replica.rows).containsOnlyKeys(PartitionKeys.of(inside));
    assertThat(asked).containsExactly(STREAM + " shardId-000000000000");
  }

  @Test
  void keepsEverySubRecordWhenTheRangeIsUnknownAndNeverFiltersPlainRecords() throws Exception {
    ChangeRecord outside = rows(false, 1).get(0);
    ChangeRecord plainOutside = rows(false, 2).get(1);
    byte[] aggregate =
        Changes.aggregate(List.of(new Sub(PartitionKeys.of(outside), null, CODEC.encode(outside))));

    BatchResult unknown =
        consumer(ShardRanges.UNKNOWN)
            .process(
                List.of(new StreamRecord(STREAM, "shardId-000000000000", "1", aggregate, null)));
    BatchResult plain =
        consumer((s, id) -> Optional.of(LOWER))
            .process(
                List.of(
                    new StreamRecord(
                        STREAM, "shardId-000000000000", "2", CODEC.encode(plainOutside), null)));

    assertThat(unknown.outOfRange()).isZero();
    assertThat(plain.outOfRange()).isZero(); // Kinesis itself routed it here
    assertThat(replica.rows).hasSize(2);
  }

  /** Answers ListShards with the shards it is given, counting calls. */
  private static final class Listing implements KinesisClient {
    List<Shard> shards = new ArrayList<>();
    final List<ListShardsRequest> requests = new ArrayList<>();

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
      requests.add(request);
      if (request.streamARN() != null) {
        throw software.amazon.awssdk.services.kinesis.model.KinesisException.builder()
            .statusCode(400)
            .message("no StreamARN here (an emulator)")
            .build();
      }
      return ListShardsResponse.builder().shards(shards).build();
    }

    @Override
    public String serviceName() {
      return "kinesis";
    }

    @Override
    public void close() {}
  }

  private static Shard shard(String id, BigInteger start, BigInteger end) {
    return Shard.builder()
        .shardId(id)
        .hashKeyRange(b -> b.startingHashKey(start.toString()).endingHashKey(end.toString()))
        .build();
  }

  @Test
  void kinesisShardRangesListAgainForAnUnknownShardAtMostOncePerInterval() {
    Listing kinesis = new Listing();
    kinesis.shards.add(shard("shardId-000000000000", BigInteger.ZERO, HALF));
    Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now[0];
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    KinesisShardRanges ranges = new KinesisShardRanges(kinesis, Duration.ofSeconds(10), clock);

    assertThat(ranges.rangeOf(STREAM, "shardId-000000000000"))
        .contains(new HashKeyRange(BigInteger.ZERO, HALF));
    assertThat(kinesis.requests.get(kinesis.requests.size() - 1).streamName()).isEqualTo("changes");
    int afterFirst = kinesis.requests.size();
    // A reshard: a child appears. Within the interval the unknown shard is not listed again.
    kinesis.shards.add(shard("shardId-000000000002", HALF, HALF.shiftLeft(1)));
    assertThat(ranges.rangeOf(STREAM, "shardId-000000000002")).isEmpty();
    assertThat(ranges.rangeOf(STREAM, "shardId-000000000000")).isPresent(); // cached
    assertThat(kinesis.requests).hasSize(afterFirst);
    now[0] = now[0].plusSeconds(11);

    assertThat(ranges.rangeOf(STREAM, "shardId-000000000002")).isPresent();
    assertThat(kinesis.requests).hasSize(afterFirst * 2);
  }
}
