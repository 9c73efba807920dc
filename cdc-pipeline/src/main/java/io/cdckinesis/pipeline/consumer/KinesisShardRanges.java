package io.cdckinesis.pipeline.consumer;

import io.cdckinesis.core.spi.ShardRanges;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Shard ranges from Kinesis ListShards (IAM: {@code kinesis:ListShards} on the stream), cached per
 * stream and listed again when a shard is not in the cache (a reshard made it), at most once per
 * {@code minRefreshInterval} per stream. The stream is named by ARN (Lambda's {@code
 * eventSourceARN}; this also reaches a stream in another account) or by name. Thread-safe; never
 * closes the client.
 */
public final class KinesisShardRanges implements ShardRanges {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisShardRanges.class);

  private final KinesisClient kinesis;
  private final Duration minRefreshInterval;
  private final Clock clock;
  private final Map<String, Map<String, HashKeyRange>> byStream = new ConcurrentHashMap<>();
  private final Map<String, Instant> listedAt = new ConcurrentHashMap<>();

  public KinesisShardRanges(KinesisClient kinesis, Duration minRefreshInterval, Clock clock) {
    this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
    this.minRefreshInterval = Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Listing again at most every 10 seconds per stream. */
  public static KinesisShardRanges of(KinesisClient kinesis) {
    return new KinesisShardRanges(kinesis, Duration.ofSeconds(10), Clock.systemUTC());
  }

  @Override
  public Optional<HashKeyRange> rangeOf(String stream, String shardId) {
    Map<String, HashKeyRange> known = byStream.get(stream);
    if (known != null && known.containsKey(shardId)) {
      return Optional.of(known.get(shardId));
    }
    synchronized (this) {
      Instant last = listedAt.get(stream);
      Instant now = clock.instant();
      if (last == null || !now.isBefore(last.plus(minRefreshInterval))) {
        listedAt.put(stream, now);
        known = list(stream);
        byStream.put(stream, known);
      } else {
        known = byStream.getOrDefault(stream, Map.of());
      }
    }
    return Optional.ofNullable(known.get(shardId));
  }

  private Map<String, HashKeyRange> list(String stream) {
    try {
      return listBy(stream, stream.startsWith("arn:"));
    } catch (AwsServiceException e) {
      if (stream.startsWith("arn:") && e.statusCode() == 400 && stream.contains(":stream/")) {
        // Emulators without StreamARN support: the name from the ARN, same account.
        return listBy(stream.substring(stream.indexOf(":stream/") + 8), false);
      }
      throw e;
    }
  }

  private Map<String, HashKeyRange> listBy(String stream, boolean arn) {
    Map<String, HashKeyRange> out = new HashMap<>();
    String next = null;
    do {
      ListShardsRequest.Builder b = ListShardsRequest.builder();
      if (next != null) {
        b.nextToken(next); // with a token, the stream must not be named again
      } else if (arn) {
        b.streamARN(stream);
      } else {
        b.streamName(stream);
      }
      ListShardsResponse page = kinesis.listShards(b.build());
      for (Shard s : page.shards()) {
        out.put(
            s.shardId(),
            new HashKeyRange(
                new BigInteger(s.hashKeyRange().startingHashKey()),
                new BigInteger(s.hashKeyRange().endingHashKey())));
      }
      next = page.nextToken();
    } while (next != null);
    LOG.debug("listed {} shards of {}", out.size(), stream);
    return out;
  }
}
