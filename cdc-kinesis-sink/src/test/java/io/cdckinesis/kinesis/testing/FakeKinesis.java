package io.cdckinesis.kinesis.testing;

import io.cdckinesis.kinesis.internal.HashKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * An in-memory Kinesis stream behind the {@link KinesisClient} interface, for unit tests: routes
 * records to shards by hash key as Kinesis does, enforces the request limits, and fails chosen
 * calls or entries.
 */
public final class FakeKinesis implements KinesisClient {

  /** Decides whether an entry fails: an error code, or null to store it. */
  @FunctionalInterface
  public interface EntryFaults {
    String errorFor(PutRecordsRequestEntry entry, int call);
  }

  /** A record as stored in a shard. */
  public record Stored(
      String shardId, String partitionKey, String explicitHashKey, byte[] data, long seq) {
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private final List<Shard> shards = new ArrayList<>();
  private final Map<String, List<Stored>> byShard = new LinkedHashMap<>();
  private final List<Stored> all = new ArrayList<>();
  private final Deque<RuntimeException> callFaults = new ArrayDeque<>();
  private final List<PutRecordsRequest> requests = new ArrayList<>();
  private EntryFaults entryFaults = (e, call) -> null;
  private RuntimeException listShardsFault;
  private int listShardsFaultsLeft;
  private int listShardsCalls;
  private int listShardsPageSize = Integer.MAX_VALUE;
  private long seq;
  private int maxRecordBytes = 1024 * 1024;
  private long maxRequestBytes = 5L * 1024 * 1024;

  /** A stream with this many shards splitting the hash-key space evenly. */
  public FakeKinesis(int shardCount) {
    reshard(shardCount);
  }

  /** Replaces the open shards by {@code count} new ones (the old ones close). */
  public void reshard(int count) {
    List<Shard> closed = new ArrayList<>();
    for (Shard s : shards) {
      closed.add(
          s.toBuilder()
              .sequenceNumberRange(
                  SequenceNumberRange.builder()
                      .startingSequenceNumber("0")
                      .endingSequenceNumber("1")
                      .build())
              .build());
    }
    shards.clear();
    shards.addAll(closed);
    BigInteger space = HashKeys.MAX.add(BigInteger.ONE);
    BigInteger step = space.divide(BigInteger.valueOf(count));
    int base = closed.size();
    for (int i = 0; i < count; i++) {
      BigInteger start = step.multiply(BigInteger.valueOf(i));
      BigInteger end = i == count - 1 ? HashKeys.MAX : start.add(step).subtract(BigInteger.ONE);
      String id = String.format("shardId-%012d", base + i);
      shards.add(
          Shard.builder()
              .shardId(id)
              .hashKeyRange(
                  HashKeyRange.builder()
                      .startingHashKey(start.toString())
                      .endingHashKey(end.toString())
                      .build())
              .sequenceNumberRange(
                  SequenceNumberRange.builder().startingSequenceNumber("0").build())
              .build());
      byShard.put(id, new ArrayList<>());
    }
  }

  public FakeKinesis entryFaults(EntryFaults faults) {
    this.entryFaults = faults;
    return this;
  }

  /** The next calls throw these, in order. */
  public FakeKinesis failNextCalls(RuntimeException... faults) {
    callFaults.addAll(List.of(faults));
    return this;
  }

  public FakeKinesis failListShards(RuntimeException fault) {
    return failListShards(fault, Integer.MAX_VALUE);
  }

  /** The next {@code times} ListShards calls throw the fault. */
  public FakeKinesis failListShards(RuntimeException fault, int times) {
    this.listShardsFault = fault;
    this.listShardsFaultsLeft = times;
    return this;
  }

  public FakeKinesis listShardsPageSize(int size) {
    this.listShardsPageSize = size;
    return this;
  }

  public FakeKinesis limits(int maxRecordBytes, long maxRequestBytes) {
    this.maxRecordBytes = maxRecordBytes;
    this.maxRequestBytes = maxRequestBytes;
    return this;
  }

  @Override
  public synchronized PutRecordsResponse putRecords(PutRecordsRequest request) {
    requests.add(request);
    int call = requests.size();
    if (!callFaults.isEmpty()) {
      throw callFaults.poll();
    }
    validate(request);
    List<PutRecordsResultEntry> results = new ArrayList<>();
    int failed = 0;
    for (PutRecordsRequestEntry e : request.records()) {
      String error = entryFaults.errorFor(e, call);
      if (error != null) {
        failed++;
        results.add(
            PutRecordsResultEntry.builder().errorCode(error).errorMessage("injected").build());
        continue;
      }
      BigInteger hash =
          e.explicitHashKey() != null
              ? new BigInteger(e.explicitHashKey())
              : HashKeys.of(e.partitionKey());
      String shard = openShardFor(hash);
      Stored s =
          new Stored(shard, e.partitionKey(), e.explicitHashKey(), e.data().asByteArray(), ++seq);
      byShard.get(shard).add(s);
      all.add(s);
      results.add(
          PutRecordsResultEntry.builder()
              .shardId(shard)
              .sequenceNumber(Long.toString(seq))
              .build());
    }
    return PutRecordsResponse.builder().records(results).failedRecordCount(failed).build();
  }

  private void validate(PutRecordsRequest request) {
    if (request.records().isEmpty() || request.records().size() > 500) {
      throw invalid("records count " + request.records().size());
    }
    long total = 0;
    for (PutRecordsRequestEntry e : request.records()) {
      int pk = e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
      if (e.partitionKey().isEmpty() || e.partitionKey().length() > 256) {
        throw invalid("partition key length " + e.partitionKey().length());
      }
      int size = e.data().asByteArrayUnsafe().length + pk;
      if (size > maxRecordBytes) {
        throw invalid("record of " + size + " bytes");
      }
      total += size;
    }
    if (total > maxRequestBytes) {
      throw invalid("request of " + total + " bytes");
    }
  }

  private static InvalidArgumentException invalid(String what) {
    return InvalidArgumentException.builder().message("fake Kinesis rejects " + what).build();
  }

  private String openShardFor(BigInteger hash) {
    for (Shard s : shards) {
      if (s.sequenceNumberRange().endingSequenceNumber() == null
          && new BigInteger(s.hashKeyRange().startingHashKey()).compareTo(hash) <= 0
          && new BigInteger(s.hashKeyRange().endingHashKey()).compareTo(hash) >= 0) {
        return s.shardId();
      }
    }
    throw new IllegalStateException("no open shard for " + hash);
  }

  @Override
  public synchronized ListShardsResponse listShards(ListShardsRequest request) {
    listShardsCalls++;
    if (listShardsFault != null && listShardsFaultsLeft > 0) {
      listShardsFaultsLeft--;
      throw listShardsFault;
    }
    if (request.nextToken() != null && request.streamName() != null) {
      throw invalid("ListShards with both a token and a stream name");
    }
    int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
    int to = (int) Math.min(shards.size(), (long) from + listShardsPageSize);
    return ListShardsResponse.builder()
        .shards(shards.subList(from, to))
        .nextToken(to < shards.size() ? Integer.toString(to) : null)
        .build();
  }

  public synchronized List<Stored> stored() {
    return List.copyOf(all);
  }

  public synchronized List<Stored> stored(String shardId) {
    return List.copyOf(byShard.get(shardId));
  }

  public synchronized List<Shard> shards() {
    return List.copyOf(shards);
  }

  public synchronized List<PutRecordsRequest> requests() {
    return List.copyOf(requests);
  }

  public synchronized int listShardsCalls() {
    return listShardsCalls;
  }

  @Override
  public String serviceName() {
    return "kinesis";
  }

  @Override
  public void close() {}
}
