package io.cdckinesis.simulation.world;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.StoredRecord;
import io.cdckinesis.simulation.Fault;
import io.cdckinesis.simulation.FaultMix;
import io.cdckinesis.simulation.SystemUnderTest;
import io.cdckinesis.simulation.aws.SimContext;
import io.cdckinesis.simulation.sched.Actor;
import io.cdckinesis.simulation.sched.Scheduler;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The Kinesis event source mapping of the consumer function, with {@code FunctionResponseTypes:
 * [ReportBatchItemFailures]}, as Lambda runs it: per shard, one batch at a time, in order from the
 * trim horizon; a reported item failure makes it retry the shard from that record; a failed
 * invocation (exception, crash, timeout) is retried with the same batch, on a new container if the
 * old one died; a parent shard is read to its end before its children, and two children run
 * concurrently. Containers are reused while warm; a crashed one is gone, and the fault mix may send
 * a batch to a cold container at any time.
 */
public final class EventSourceMapping {

  private static final Duration POLL = Duration.ofSeconds(1);

  private final Scheduler scheduler;
  private final SimulatedKinesis kinesis;
  private final String stream;
  private final int batchSize;
  private final Duration timeout;
  private final FaultMix faults;
  private final Supplier<SystemUnderTest.ConsumerFunction> newContainer;
  private final Map<String, ShardState> shards = new LinkedHashMap<>();
  private final List<SystemUnderTest.ConsumerFunction> warm = new ArrayList<>();
  private long invocations;
  private long retries;
  private long coldStarts;

  /** Records stored when the shards were last looked at; -1 forces a look. */
  private long seenStored = -1;

  private boolean caughtUp = true;

  private static final class ShardState {
    final String id;
    final List<String> parents;
    int next;
    boolean busy;
    boolean finished;
    long retryAt = Long.MIN_VALUE;

    ShardState(String id, List<String> parents) {
      this.id = id;
      this.parents = parents;
    }
  }

  public EventSourceMapping(
      Scheduler scheduler,
      SimulatedKinesis kinesis,
      String stream,
      int batchSize,
      Duration timeout,
      FaultMix faults,
      Supplier<SystemUnderTest.ConsumerFunction> newContainer) {
    this.scheduler = scheduler;
    this.kinesis = kinesis;
    this.stream = stream;
    this.batchSize = batchSize;
    this.timeout = timeout;
    this.faults = faults;
    this.newContainer = newContainer;
  }

  /** Starts polling after {@code delay} (a background timer: polling alone keeps no run alive). */
  public void start(Duration delay) {
    scheduler.at(POLL.plus(delay), "esm poll", true, this::pollAndReschedule);
  }

  private void pollAndReschedule() {
    poll();
    scheduler.at(POLL, "esm poll", true, this::pollAndReschedule);
  }

  /** Something changed that a poll must look at (a batch ended, a retry is due, a reshard). */
  public void invalidate() {
    seenStored = -1;
  }

  private void poll() {
    long stored = kinesis.stats(stream).entriesStored();
    if (stored == seenStored) {
      return; // nothing new since the last look, and no batch ended or retry came due
    }
    seenStored = stored;
    boolean upToDate = true;
    long now = scheduler.now().toEpochMilli();
    for (Shard s : kinesis.shards(stream)) {
      ShardState st =
          shards.computeIfAbsent(
              s.shardId(),
              id -> {
                List<String> parents = new ArrayList<>();
                if (s.parentShardId() != null) {
                  parents.add(s.parentShardId());
                }
                if (s.adjacentParentShardId() != null) {
                  parents.add(s.adjacentParentShardId());
                }
                return new ShardState(id, parents);
              });
      if (st.finished) {
        continue;
      }
      if (st.busy) {
        upToDate = false; // its end invalidates
        continue;
      }
      List<StoredRecord> records = kinesis.records(stream, st.id);
      if (st.next >= records.size()) {
        if (s.sequenceNumberRange().endingSequenceNumber() != null) {
          st.finished = true;
          seenStored = -1; // its children may start now
          scheduler.note("esm", st.id + " read to its end");
        }
        continue;
      }
      upToDate = false;
      if (st.retryAt > now || !parentsFinished(st)) {
        continue; // the retry timer, or the parent's end, invalidates
      }
      invoke(st, records.subList(st.next, Math.min(records.size(), st.next + batchSize)));
    }
    caughtUp = upToDate;
  }

  private boolean parentsFinished(ShardState st) {
    for (String p : st.parents) {
      ShardState ps = shards.get(p);
      if (ps == null || !ps.finished) {
        return false;
      }
    }
    return true;
  }

  private void invoke(ShardState st, List<StoredRecord> batch) {
    st.busy = true;
    invocations++;
    SystemUnderTest.ConsumerFunction container;
    if (warm.isEmpty() || scheduler.random().nextDouble() < faults.p(Fault.FRESH_CONTAINER)) {
      coldStarts++;
      container = null;
    } else {
      container = warm.remove(0);
    }
    KinesisEvent event = event(st.id, batch);
    String requestId = "consumer-" + invocations;
    SystemUnderTest.ConsumerFunction[] used = {container};
    scheduler.spawn(
        requestId + "@" + st.id,
        Duration.ZERO,
        true,
        timeout,
        self -> {
          if (used[0] == null) {
            used[0] = newContainer.get();
          }
          return used[0].handle(
              event, new SimContext(requestId, "cdc-consumer", scheduler.clock(), self.deadline()));
        },
        outcome -> done(st, batch, used[0], outcome));
  }

  private void done(
      ShardState st,
      List<StoredRecord> batch,
      SystemUnderTest.ConsumerFunction container,
      Actor.Outcome outcome) {
    st.busy = false;
    seenStored = -1;
    if (outcome.crash() == null && container != null) {
      warm.add(container);
    }
    if (!outcome.succeeded()) {
      retry(st, "invocation " + outcome);
      return;
    }
    String failed = lowestFailure((StreamsEventResponse) outcome.result());
    if (failed == null) {
      st.next += batch.size();
      scheduler.at(Duration.ofMillis(1), "esm next batch " + st.id, false, this::poll);
      return;
    }
    int index = -1;
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).sequenceNumber().equals(failed)) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      // An item identifier that is not in the batch fails the whole batch, as Lambda treats it.
      retry(st, "unknown item failure " + failed);
      return;
    }
    st.next += index;
    retry(st, "item failure at " + failed);
  }

  private void retry(ShardState st, String why) {
    retries++;
    Duration backoff = Duration.ofMillis(500 + scheduler.random().nextInt(2_000));
    st.retryAt = scheduler.now().plus(backoff).toEpochMilli();
    scheduler.note("esm", "retry " + st.id + " from record " + st.next + ": " + why);
    scheduler.at(
        backoff,
        "esm retry " + st.id,
        false,
        () -> {
          seenStored = -1;
          poll();
        });
  }

  private static String lowestFailure(StreamsEventResponse response) {
    if (response == null || response.getBatchItemFailures() == null) {
      return null;
    }
    String lowest = null;
    for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
      String id = f.getItemIdentifier();
      if (id == null || id.isEmpty()) {
        return "";
      }
      if (lowest == null || new BigInteger(id).compareTo(new BigInteger(lowest)) < 0) {
        lowest = id;
      }
    }
    return lowest;
  }

  private KinesisEvent event(String shardId, List<StoredRecord> records) {
    List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>(records.size());
    for (StoredRecord r : records) {
      KinesisEvent.Record k = new KinesisEvent.Record();
      k.setKinesisSchemaVersion("1.0");
      k.setPartitionKey(r.partitionKey());
      k.setSequenceNumber(r.sequenceNumber());
      k.setData(ByteBuffer.wrap(r.data()).asReadOnlyBuffer());
      k.setApproximateArrivalTimestamp(Date.from(r.arrival()));
      KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
      e.setKinesis(k);
      e.setEventSource("aws:kinesis");
      e.setEventID(shardId + ":" + r.sequenceNumber());
      e.setEventName("aws:kinesis:record");
      e.setEventVersion("1.0");
      e.setEventSourceARN(
          "arn:aws:kinesis:"
              + SimulatedKinesis.REGION
              + ":"
              + SimulatedKinesis.ACCOUNT
              + ":stream/"
              + stream);
      e.setAwsRegion(SimulatedKinesis.REGION);
      e.setInvokeIdentityArn("arn:aws:iam::" + SimulatedKinesis.ACCOUNT + ":role/cdc-consumer");
      out.add(e);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(out);
    return event;
  }

  /** Whether every shard is read as far as it goes, with nothing running or waiting to retry. */
  public boolean caughtUp() {
    return caughtUp && seenStored == kinesis.stats(stream).entriesStored();
  }

  public long invocations() {
    return invocations;
  }

  public long retries() {
    return retries;
  }

  public long coldStarts() {
    return coldStarts;
  }
}
