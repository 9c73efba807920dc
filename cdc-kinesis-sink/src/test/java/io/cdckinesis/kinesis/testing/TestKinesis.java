package io.cdckinesis.kinesis.testing;

import io.cdckinesis.local.sim.FaultHooks;
import io.cdckinesis.local.sim.SimulatedCall;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.StoredRecord;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * One stream on a {@link SimulatedKinesis} with the faults sink tests inject: entry errors by
 * PutRecords call, whole PutRecords calls that throw, ListShards calls that throw. Records every
 * request. For single-threaded tests (the sink with an inline executor).
 */
public final class TestKinesis {

  /** Decides whether an entry fails: an error code, or null to process it. */
  @FunctionalInterface
  public interface EntryFaults {
    String errorFor(PutRecordsRequestEntry entry, int putRecordsCall);
  }

  private final SimulatedKinesis sim;
  private final String stream;
  private final Deque<RuntimeException> putFaults = new ArrayDeque<>();
  private EntryFaults entryFaults = (e, call) -> null;
  private RuntimeException listShardsFault;
  private int listShardsFaultsLeft;
  private int listShardsCalls;
  private int putCalls;

  /** A stream of {@code shards} shards with Kinesis's limits, on the given clock. */
  public TestKinesis(Clock clock, String stream, int shards) {
    this(clock, stream, shards, b -> {});
  }

  /** As above, with more settings of the simulator (limits, latency, page size...). */
  public TestKinesis(
      Clock clock, String stream, int shards, Consumer<SimulatedKinesis.Builder> options) {
    SimulatedKinesis.Builder b =
        SimulatedKinesis.builder().clock(clock).recordRequests(true).faults(new Hooks());
    options.accept(b);
    this.sim = b.build();
    this.stream = stream;
    sim.createStream(stream, shards);
  }

  private final class Hooks implements FaultHooks {
    @Override
    public synchronized RuntimeException failCall(SimulatedCall call) {
      switch (call.operation()) {
        case "PutRecords" -> {
          putCalls++;
          return putFaults.poll();
        }
        case "ListShards" -> {
          listShardsCalls++;
          if (listShardsFault != null && listShardsFaultsLeft > 0) {
            listShardsFaultsLeft--;
            return listShardsFault;
          }
          return null;
        }
        default -> {
          return null;
        }
      }
    }

    @Override
    public synchronized String failEntry(
        SimulatedCall call, int index, PutRecordsRequestEntry entry) {
      return entryFaults.errorFor(entry, putCalls);
    }
  }

  public KinesisClient client() {
    return sim;
  }

  public SimulatedKinesis sim() {
    return sim;
  }

  public String stream() {
    return stream;
  }

  public synchronized TestKinesis entryFaults(EntryFaults faults) {
    this.entryFaults = faults;
    return this;
  }

  /** The next PutRecords calls throw these, in order. */
  public synchronized TestKinesis failNextCalls(RuntimeException... faults) {
    putFaults.addAll(List.of(faults));
    return this;
  }

  /** The next {@code times} ListShards calls throw the fault. */
  public synchronized TestKinesis failListShards(RuntimeException fault, int times) {
    this.listShardsFault = fault;
    this.listShardsFaultsLeft = times;
    return this;
  }

  public TestKinesis failListShards(RuntimeException fault) {
    return failListShards(fault, Integer.MAX_VALUE);
  }

  /** Every record in the order stored. */
  public List<StoredRecord> stored() {
    return sim.records(stream);
  }

  public List<StoredRecord> stored(String shardId) {
    return sim.records(stream, shardId);
  }

  public List<Shard> shards() {
    return sim.shards(stream);
  }

  public List<PutRecordsRequest> requests() {
    return sim.putRecordsRequests(stream);
  }

  public synchronized int listShardsCalls() {
    return listShardsCalls;
  }
}
