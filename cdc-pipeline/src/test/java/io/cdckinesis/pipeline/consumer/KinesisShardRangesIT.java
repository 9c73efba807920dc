package io.cdckinesis.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.spi.ShardRanges.HashKeyRange;
import io.cdckinesis.local.LocalKinesis;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Shard ranges over kinesalite, by the stream ARN Lambda gives, across a reshard. */
class KinesisShardRangesIT {

  @Test
  void findsTheShardsOfAStreamByItsArnAndTheChildrenOfASplit() {
    try (LocalKinesis kinesis = LocalKinesis.start()) {
      kinesis.createStream("ranges", 1);
      String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/ranges";
      KinesisShardRanges ranges =
          new KinesisShardRanges(kinesis.client(), Duration.ZERO, Clock.systemUTC());
      String parent = "shardId-000000000000";
      BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
      BigInteger half = BigInteger.ONE.shiftLeft(127);

      assertThat(ranges.rangeOf(arn, parent)).contains(new HashKeyRange(BigInteger.ZERO, max));

      kinesis
          .client()
          .splitShard(
              b -> b.streamName("ranges").shardToSplit(parent).newStartingHashKey(half.toString()));
      kinesis.awaitActive("ranges");
      List<Shard> shards = kinesis.client().listShards(b -> b.streamName("ranges")).shards();
      String upper =
          shards.stream()
              .filter(s -> s.hashKeyRange().startingHashKey().equals(half.toString()))
              .findFirst()
              .orElseThrow()
              .shardId();

      assertThat(ranges.rangeOf(arn, upper)).contains(new HashKeyRange(half, max));
      assertThat(ranges.rangeOf(arn, parent)).isPresent(); // closed, still listed
      assertThat(ranges.rangeOf(arn, "shardId-000000000099")).isEmpty();
    }
  }
}
