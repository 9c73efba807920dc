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
 * Keeps the stream's shard map: lists the shards on first use, again after {@link
 * KinesisSinkConfig#shardMapMaxAge()}, and again as soon as a record lands in a shard other than
 * predicted (a reshard). Each listing has a generation number, so that many late answers from calls
 * made with one old map cause one listing, not one each. Listing failures are retried under the
 * sink's policy.
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
  private long generation;
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
      generation++;
      listedAtNanos = timing.nowNanos();
      stale = false;
      LOG.debug("stream {} has {} open shards", stream, map.size());
    }
    return map;
  }

  /** The map's generation: grows by one with every listing. */
  long generation() {
    return generation;
  }

  /**
   * A record predicted for one shard landed in another. Unless the map has been listed since the
   * call was made ({@code callGeneration}) and knows that shard, it is listed again before the next
   * use.
   *
   * @return whether the map in use is older than the landing shows (so it will be listed again)
   */
  boolean landedElsewhere(long callGeneration, String predicted, String actual) {
    if (callGeneration < generation && map != null && map.knows(actual)) {
      return false; // listed since that call was made, and the listing knows that shard
    }
    if (!stale) {
      LOG.info(
          "a record for stream {} landed in shard {}, not {} as predicted; listing shards again",
          stream,
          actual,
          predicted);
    }
    stale = true;
    return true;
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
          b.overrideConfiguration(override);
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
          throw WriteFailures.fatal(
              stream, code, e, "ListShards (the sink paces shards by the shard map)");
        }
        if (!policy.hasAttemptsLeft(attempt)) {
          throw new KinesisWriteException(
              stream.toString(),
              code,
              "ListShards on stream "
                  + stream
                  + " (the sink paces shards by the shard map) failed "
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
