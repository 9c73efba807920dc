package io.cdckinesis.pipeline.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Lambda event source mapping for a Kinesis stream, in virtual time: per shard, batches in order;
 * a reported batch item failure makes it retry the shard from that record after a backoff (1 s,
 * doubling up to 60 s: our model, Lambda does not document its pacing), for as long as {@code
 * maximumRetryAttempts} (-1: no limit) and {@code maximumRecordAge} allow; then the batch is given
 * up (as its on-failure destination would get it) and the shard moves on. Each invocation has
 * {@code timeout} of virtual time.
 */
final class SimulatedEventSourceMapping {

  private final ChangeConsumer consumer;
  private final VirtualTime time;
  private final int batchSize;
  private final int maximumRetryAttempts;
  private final Duration maximumRecordAge;
  private final Duration timeout;
  final List<String> givenUp = new ArrayList<>();
  int invocations;

  SimulatedEventSourceMapping(
      ChangeConsumer consumer,
      VirtualTime time,
      int batchSize,
      int maximumRetryAttempts,
      Duration maximumRecordAge,
      Duration timeout) {
    this.consumer = consumer;
    this.time = time;
    this.batchSize = batchSize;
    this.maximumRetryAttempts = maximumRetryAttempts;
    this.maximumRecordAge = maximumRecordAge;
    this.timeout = timeout;
  }

  /** Consumes every shard to its end; records arrived at {@code arrival}. */
  void drain(List<StreamRecord> records, Instant arrival) {
    Map<String, List<StreamRecord>> shards = new LinkedHashMap<>();
    records.forEach(r -> shards.computeIfAbsent(r.shardId(), s -> new ArrayList<>()).add(r));
    for (List<StreamRecord> shard : shards.values()) {
      int from = 0;
      int retries = 0;
      Duration backoff = Duration.ofSeconds(1);
      while (from < shard.size()) {
        List<StreamRecord> batch = shard.subList(from, Math.min(shard.size(), from + batchSize));
        Instant start = time.instant();
        invocations++;
        BatchResult r =
            consumer.process(batch, () -> timeout.minus(Duration.between(start, time.instant())));
        if (!r.hasFailures()) {
          from += batch.size();
          retries = 0;
          backoff = Duration.ofSeconds(1);
          continue;
        }
        String failed = r.failedSequenceNumbers().get(0);
        int at = from;
        while (!shard.get(at).sequenceNumber().equals(failed)) {
          at++;
        }
        from = at;
        boolean tooOld = Duration.between(arrival, time.instant()).compareTo(maximumRecordAge) > 0;
        if ((maximumRetryAttempts >= 0 && retries >= maximumRetryAttempts) || tooOld) {
          givenUp.add(shard.get(from).shardId() + "/" + failed);
          from += 1;
          retries = 0;
          continue;
        }
        retries++;
        time.sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0
                ? Duration.ofSeconds(60)
                : backoff.multipliedBy(2);
      }
    }
  }
}
