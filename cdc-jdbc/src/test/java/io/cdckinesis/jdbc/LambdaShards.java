package io.cdckinesis.jdbc;

import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What Lambda's Kinesis event source mapping does for each shard, with partial batch responses
 * ({@code ReportBatchItemFailures}): deliver the batch after the checkpoint; on a reported failure
 * move the checkpoint to the failed record; on success past the batch; on a function error or a
 * dead container, deliver the same batch again.
 */
final class LambdaShards {

  private final Map<String, List<StreamRecord>> shards;
  private final Map<String, Integer> checkpoints = new HashMap<>();
  private final int batchSize;

  LambdaShards(Map<String, List<StreamRecord>> shards, int batchSize) {
    this.shards = shards;
    this.batchSize = batchSize;
    shards.keySet().forEach(s -> checkpoints.put(s, 0));
  }

  boolean done(String shard) {
    return checkpoints.get(shard) >= shards.get(shard).size();
  }

  boolean allDone() {
    return shards.keySet().stream().allMatch(this::done);
  }

  int checkpoint(String shard) {
    return checkpoints.get(shard);
  }

  /**
   * Invokes the consumer with the shard's next batch and moves the checkpoint as Lambda would.
   * Exceptions and errors (a function error, a container dying) leave the checkpoint where it was
   * and pass through.
   *
   * @return the consumer's result
   */
  BatchResult invoke(ChangeConsumer consumer, String shard, Supplier<Duration> remaining) {
    List<StreamRecord> all = shards.get(shard);
    int from = checkpoints.get(shard);
    List<StreamRecord> batch = all.subList(from, Math.min(from + batchSize, all.size()));
    BatchResult result = consumer.process(batch, remaining);
    if (result.hasFailures()) {
      String failed = result.failedSequenceNumbers().get(0);
      for (int i = from; i < from + batch.size(); i++) {
        if (all.get(i).sequenceNumber().equals(failed)) {
          checkpoints.put(shard, i);
          return result;
        }
      }
      throw new IllegalStateException("the consumer reported a record not in the batch");
    }
    checkpoints.put(shard, from + batch.size());
    return result;
  }
}
