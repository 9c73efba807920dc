package io.cdckinesis.examples.demo;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdckinesis.lambda.KinesisChangeHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Feeds a stream to the consumer function the way a Lambda event source mapping with {@code
 * ReportBatchItemFailures} does: per shard, batches in order from the trim horizon, one batch at a
 * time; when the function reports a failed item, the shard is read again from that sequence number;
 * after {@code maxRetryAttempts} retries of one batch it is sent to the on-failure list and the
 * shard moves on.
 */
final class LocalEventSourceMapping {

  /** A batch given up after its retries, as the on-failure destination would receive it. */
  record FailedBatch(String shardId, String firstSequenceNumber, int records) {}

  private final KinesisClient kinesis;
  private final String stream;
  private final String streamArn;
  private final KinesisChangeHandler handler;
  private final int batchSize;
  private final int maxRetryAttempts;
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicLong retriedBatches = new AtomicLong();
  private final List<FailedBatch> failedBatches = Collections.synchronizedList(new ArrayList<>());

  LocalEventSourceMapping(
      KinesisClient kinesis,
      String stream,
      KinesisChangeHandler handler,
      int batchSize,
      int maxRetryAttempts) {
    this.kinesis = kinesis;
    this.stream = stream;
    this.streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    this.handler = handler;
    this.batchSize = batchSize;
    this.maxRetryAttempts = maxRetryAttempts;
  }

  /** Polls every shard until {@code producersDone} is true and every shard is read to its end. */
  void run(BooleanSupplier producersDone) throws InterruptedException {
    List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    for (Shard shard : shards) {
      Thread t =
          new Thread(
              () -> {
                try {
                  pollShard(shard.shardId(), producersDone);
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "esm-" + shard.shardId());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("event source mapping failed", errors.get(0));
    }
  }

  private void pollShard(String shardId, BooleanSupplier producersDone)
      throws InterruptedException {
    String next = iterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
    int attempts = 0;
    while (true) {
      boolean doneBefore = producersDone.getAsBoolean();
      String current = next;
      GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(batchSize));
      List<Record> records = page.records();
      if (records.isEmpty()) {
        if (doneBefore && page.millisBehindLatest() == 0) {
          return;
        }
        Thread.sleep(20);
        next = page.nextShardIterator();
        continue;
      }
      invocations.incrementAndGet();
      String failed;
      try {
        StreamsEventResponse response =
            handler.handleRequest(
                event(shardId, records),
                new LocalContext(UUID.randomUUID().toString(), "cdc-consumer", 60_000));
        failed = firstFailure(response);
      } catch (
          RuntimeException functionError) { // NOPMD: an invocation's failure, as Lambda sees it
        // Lambda retries the whole batch after a function error, with a backoff.
        failed = records.get(0).sequenceNumber();
        Thread.sleep(Math.min(1_000, 50L << Math.min(attempts, 4)));
      }
      if (failed == null) {
        attempts = 0;
        next = page.nextShardIterator();
      } else if (++attempts <= maxRetryAttempts) {
        retriedBatches.incrementAndGet();
        next = iterator(shardId, ShardIteratorType.AT_SEQUENCE_NUMBER, failed);
      } else {
        failedBatches.add(new FailedBatch(shardId, failed, records.size()));
        attempts = 0;
        next = page.nextShardIterator();
      }
    }
  }

  private String iterator(String shardId, ShardIteratorType type, String sequenceNumber) {
    return kinesis
        .getShardIterator(
            b ->
                b.streamName(stream)
                    .shardId(shardId)
                    .shardIteratorType(type)
                    .startingSequenceNumber(sequenceNumber))
        .shardIterator();
  }

  private static String firstFailure(StreamsEventResponse response) {
    if (response == null || response.getBatchItemFailures() == null) {
      return null;
    }
    String lowest = null;
    for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
      String id = f.getItemIdentifier();
      if (id == null || id.isEmpty()) {
        throw new IllegalStateException("empty item identifier fails the whole batch");
      }
      if (lowest == null
          || new java.math.BigInteger(id).compareTo(new java.math.BigInteger(lowest)) < 0) {
        lowest = id;
      }
    }
    return lowest;
  }

  private KinesisEvent event(String shardId, List<Record> records) {
    List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>(records.size());
    for (Record r : records) {
      KinesisEvent.Record k = new KinesisEvent.Record();
      k.setKinesisSchemaVersion("1.0");
      k.setPartitionKey(r.partitionKey());
      k.setSequenceNumber(r.sequenceNumber());
      k.setData(r.data().asByteBuffer());
      k.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
      KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
      e.setKinesis(k);
      e.setEventSource("aws:kinesis");
      e.setEventID(shardId + ":" + r.sequenceNumber());
      e.setEventName("aws:kinesis:record");
      e.setEventVersion("1.0");
      e.setEventSourceARN(streamArn);
      e.setAwsRegion("us-east-1");
      e.setInvokeIdentityArn("arn:aws:iam::000000000000:role/" + UUID.randomUUID());
      out.add(e);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(out);
    return event;
  }

  long invocations() {
    return invocations.get();
  }

  long retriedBatches() {
    return retriedBatches.get();
  }

  List<FailedBatch> failedBatches() {
    return List.copyOf(failedBatches);
  }
}
