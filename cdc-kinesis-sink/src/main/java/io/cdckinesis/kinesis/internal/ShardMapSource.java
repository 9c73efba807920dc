package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.KinesisWriteException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Keeps the stream's shard map for aggregation: lists the shards on first use, again after {@link
 * KinesisSinkConfig#shardMapMaxAge()}, and again as soon as a record lands in a shard other than
 * predicted (a reshard). Listing failures are retried under the sink's policy.
 */
final class ShardMapSource {

  private static final Logger LOG = LoggerFactory.getLogger(ShardMapSource.class);

  private final KinesisClient client;
  private final StreamRef stream;
  private final KinesisSinkConfig config;
  private final RetryPolicy policy;
  private final Timing timing;
  private final AwsRequestOverrideConfiguration override;
  private ShardMap map;
  private long listedAtNanos;
  private boolean stale;

  ShardMapSource(
      KinesisClient client,
      StreamRef stream,
      KinesisSinkConfig config,
      RetryPolicy policy,
      Timing timing,
      AwsRequestOverrideConfiguration override) {
    this.client = client;
    this.stream = stream;
    this.config = config;
    this.policy = policy;
    this.timing = timing;
    this.override = override;
  }

  /** The shard map, listed again first if it is missing, old or known to be stale. */
  ShardMap current() {
    if (map == null
        || stale
        || timing.nowNanos() - listedAtNanos >= config.shardMapMaxAge().toNanos()) {
      map = list();
      listedAtNanos = timing.nowNanos();
      stale = false;
      LOG.debug("stream {} has {} open shards", stream, map.size());
    }
    return map;
  }

  /** A record predicted for one shard landed in another: list the shards before the next batch. */
  void landedElsewhere(String predicted, String actual) {
    if (!stale) {
      LOG.info(
          "a record for stream {} landed in shard {}, not {} as predicted; listing shards again",
          stream,
          actual,
          predicted);
    }
    stale = true;
  }

  private ShardMap list() {
    for (int attempt = 1; ; attempt++) {
      try {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
          ListShardsRequest.Builder b = ListShardsRequest.builder();
          if (next == null) {
            stream.applyTo(b);
          } else {
            b.nextToken(next); // with a token, the stream must not be named again
          }
          if (override != null) {
            b.overrideConfiguration(override);
          }
          ListShardsResponse page = client.listShards(b.build());
          shards.addAll(page.shards());
          next = page.nextToken();
        } while (next != null);
        return ShardMap.of(shards);
      } catch (RuntimeException e) {
        KinesisErrors.Kind kind = KinesisErrors.of(e);
        String code = KinesisErrors.codeOf(e);
        if (kind == KinesisErrors.Kind.ABORTED) {
          throw WriteFailures.interrupted(stream, "ListShards", e);
        }
        if (!policy.retries(e)) {
          throw WriteFailures.fatal(stream, code, e, "ListShards (needed for aggregation)");
        }
        if (!policy.hasAttemptsLeft(attempt)) {
          throw new KinesisWriteException(
              stream.toString(),
              code,
              "ListShards on stream "
                  + stream
                  + " (needed for aggregation) failed "
                  + attempt
                  + " times, last with "
                  + code,
              e,
              true);
        }
        timing.sleep(policy.backoff(attempt, e));
      }
    }
  }
}
