package io.cdckinesis.local.sim;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.CreateStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.EnhancedMetrics;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.MergeShardsRequest;
import software.amazon.awssdk.services.kinesis.model.MergeShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.SplitShardRequest;
import software.amazon.awssdk.services.kinesis.model.SplitShardResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamModeDetails;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * An in-memory Kinesis data stream service behind the SDK's {@link KinesisClient} interface, with
 * the limits that shape a producer: per-call limits, per-shard rolling throughput limits, latency
 * per call, resharding and injected faults. For tests, benchmarks and deterministic simulations; no
 * network, no threads of its own.
 *
 * <p>What it does as Kinesis does:
 *
 * <ul>
 *   <li><b>PutRecords</b>: at most 500 entries, 5 MiB per call and 1 MiB per record (data plus
 *       partition key), partition keys of 1..256 characters, explicit hash keys in [0, 2^128);
 *       violations throw {@code InvalidArgumentException} for the whole call. Each entry goes to
 *       the open shard owning its hash key (the explicit hash key, else the MD5 of the partition
 *       key). A shard accepts a record while its records and bytes (data plus partition keys)
 *       accepted in the rolling window (one second) stay within 1,000 records and 1 MiB; otherwise
 *       the entry's result is {@code ProvisionedThroughputExceededException} and it is <b>not
 *       stored</b>. Results come back in request order. <b>PutRecord</b> applies the same rules and
 *       throws the error instead.
 *   <li><b>CreateStream</b> splits the hash-key space evenly; <b>SplitShard</b> and
 *       <b>MergeShards</b> close their parents (an ending sequence number) and open children that
 *       name them ({@code parentShardId}, {@code adjacentParentShardId}); routing follows the open
 *       shards from then on. Resharding takes effect at once (Kinesis takes seconds, during which
 *       the stream is UPDATING).
 *   <li><b>ListShards</b> (pages, tokens, {@code AT_LATEST} filter; every other filter lists all
 *       shards), <b>DescribeStreamSummary</b>, <b>DescribeStream</b>, <b>GetShardIterator</b> (trim
 *       horizon, latest, at or after a sequence number, at a timestamp) and <b>GetRecords</b> (with
 *       {@code childShards} at the end of a closed shard) read it back. No read limits, no
 *       retention, iterators never expire.
 * </ul>
 *
 * <p>Time is injected: the {@link Clock} dates records and drives the rolling windows, the {@link
 * CallLatency} decides each call's latency and the {@link Waiter} waits it, half before the call
 * takes effect and half after. A request's {@code apiCallTimeout} (its override configuration) is
 * honoured as the SDK would: a call whose latency exceeds it throws {@code ApiCallTimeoutException}
 * after the timeout, with its records stored if the first half of the latency fitted in it. {@link
 * FaultHooks} inject whole-call exceptions, per-entry errors and timeouts after a write landed.
 *
 * <p>Thread-safe: calls may come from many threads; state changes happen under one lock, never held
 * while waiting. Deterministic when its clock, latency model, waiter and hooks are, and calls
 * arrive in a deterministic order.
 */
public final class SimulatedKinesis implements KinesisClient {

  /** The account id in ARNs and messages. */
  public static final String ACCOUNT = "000000000000";

  /** The region in ARNs. */
  public static final String REGION = "us-east-1";

  private static final BigInteger MAX_HASH_KEY =
      BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
  private static final int MAX_PARTITION_KEY_CHARS = 256;
  private static final int MAX_GET_RECORDS = 10_000;
  private static final long MAX_GET_RECORDS_BYTES = 10L * 1024 * 1024;
  private static final int LIST_SHARDS_MAX_RESULTS = 10_000;
  private static final String PTE = "ProvisionedThroughputExceededException";
  private static final String ITERATOR_PREFIX = "sim-iterator:";
  private static final String TOKEN_PREFIX = "sim-token:";

  private final Clock clock;
  private final CallLatency latency;
  private final Waiter waiter;
  private final FaultHooks faults;
  private final SimulatedLimits limits;
  private final int listShardsPageSize;
  private final boolean recordRequests;

  private final Object lock = new Object();
  private final Map<String, SimStream> streams = new LinkedHashMap<>();
  private long calls;

  private SimulatedKinesis(Builder b) {
    this.clock = b.clock;
    this.latency = b.latency;
    this.waiter = b.waiter;
    this.faults = b.faults;
    this.limits = b.limits;
    this.listShardsPageSize = b.listShardsPageSize;
    this.recordRequests = b.recordRequests;
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- conveniences beyond the SDK interface ------------------------------------------------

  /** Creates a stream of {@code shardCount} shards splitting the hash-key space evenly. */
  public void createStream(String name, int shardCount) {
    createStream(CreateStreamRequest.builder().streamName(name).shardCount(shardCount).build());
  }

  /**
   * Splits an open shard in the middle of its hash-key range.
   *
   * @return the two children's ids, lower range first
   */
  public List<String> splitShard(String stream, String shardId) {
    synchronized (lock) {
      SimShard parent = stream(stream, null).shard(shardId);
      BigInteger middle = parent.start.add(parent.end).add(BigInteger.ONE).shiftRight(1);
      return split(stream(stream, null), parent, middle);
    }
  }

  /** Every shard of a stream (closed ones included), as ListShards describes them. */
  public List<Shard> shards(String stream) {
    synchronized (lock) {
      return stream(stream, null).shards.stream().map(SimShard::describe).toList();
    }
  }

  /** The records a shard holds, oldest first. */
  public List<StoredRecord> records(String stream, String shardId) {
    synchronized (lock) {
      return List.copyOf(stream(stream, null).shard(shardId).records);
    }
  }

  /** Every record of a stream in the order they were stored, across shards. */
  public List<StoredRecord> records(String stream) {
    synchronized (lock) {
      return List.copyOf(stream(stream, null).stored);
    }
  }

  /** What the stream has seen of writes. */
  public StreamStats stats(String stream) {
    synchronized (lock) {
      SimStream s = stream(stream, null);
      return new StreamStats(
          s.putCalls,
          s.entriesReceived,
          s.entriesStored,
          s.entriesThrottled,
          s.entriesFailed,
          s.bytesStored,
          s.firstPut,
          s.lastPut);
    }
  }

  /**
   * The PutRecords requests the stream received, in arrival order.
   *
   * @throws IllegalStateException unless built with {@link Builder#recordRequests(boolean)}
   */
  public List<PutRecordsRequest> putRecordsRequests(String stream) {
    if (!recordRequests) {
      throw new IllegalStateException("build the simulator with recordRequests(true)");
    }
    synchronized (lock) {
      return List.copyOf(stream(stream, null).requests);
    }
  }

  /** Calls received so far, of every operation. */
  public long calls() {
    synchronized (lock) {
      return calls;
    }
  }

  // ---- writes ---------------------------------------------------------------------------------

  @Override
  public PutRecordsResponse putRecords(PutRecordsRequest request) {
    SimulatedCall call;
    RuntimeException invalid = null;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      long bytes = 0;
      for (PutRecordsRequestEntry e : request.records()) {
        bytes += e.data().asByteArrayUnsafe().length + utf8(e.partitionKey());
      }
      call = register("PutRecords", s.name, request.records().size(), bytes);
      s.putCalls++;
      s.entriesReceived += request.records().size();
      if (recordRequests) {
        s.requests.add(request);
      }
      try {
        validate(request.records());
      } catch (InvalidArgumentException e) {
        invalid = e;
      }
    }
    Duration total = latencyOf(call);
    Duration timeout = apiCallTimeout(request.overrideConfiguration());
    failBeforeEffect(call, total, timeout, invalid);
    List<String> injected = new ArrayList<>(request.records().size());
    for (int i = 0; i < request.records().size(); i++) {
      injected.add(faults.failEntry(call, i, request.records().get(i)));
    }
    PutRecordsResponse response;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      Instant now = clock.instant();
      s.touch(now);
      List<PutRecordsResultEntry> results = new ArrayList<>(request.records().size());
      int failed = 0;
      for (int i = 0; i < request.records().size(); i++) {
        PutRecordsRequestEntry e = request.records().get(i);
        Outcome o = apply(s, now, e.partitionKey(), e.explicitHashKey(), e.data(), injected.get(i));
        if (o.errorCode != null) {
          failed++;
          results.add(
              PutRecordsResultEntry.builder()
                  .errorCode(o.errorCode)
                  .errorMessage(o.errorMessage)
                  .build());
        } else {
          results.add(
              PutRecordsResultEntry.builder()
                  .shardId(o.shardId)
                  .sequenceNumber(o.sequenceNumber)
                  .build());
        }
      }
      response =
          PutRecordsResponse.builder()
              .records(results)
              .failedRecordCount(failed)
              .encryptionType(EncryptionType.NONE)
              .build();
    }
    finishAfterEffect(call, total, timeout);
    return response;
  }

  @Override
  public PutRecordResponse putRecord(PutRecordRequest request) {
    SimulatedCall call;
    RuntimeException invalid = null;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      long bytes = request.data().asByteArrayUnsafe().length + utf8(request.partitionKey());
      call = register("PutRecord", s.name, 1, bytes);
      s.putCalls++;
      s.entriesReceived++;
      try {
        validateEntry(request.partitionKey(), request.explicitHashKey(), request.data());
      } catch (InvalidArgumentException e) {
        invalid = e;
      }
    }
    Duration total = latencyOf(call);
    Duration timeout = apiCallTimeout(request.overrideConfiguration());
    failBeforeEffect(call, total, timeout, invalid);
    String injected =
        faults.failEntry(
            call,
            0,
            PutRecordsRequestEntry.builder()
                .partitionKey(request.partitionKey())
                .explicitHashKey(request.explicitHashKey())
                .data(request.data())
                .build());
    Outcome o;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      Instant now = clock.instant();
      s.touch(now);
      o =
          apply(
              s, now, request.partitionKey(), request.explicitHashKey(), request.data(), injected);
    }
    if (o.errorCode != null) {
      Duration rest = total.minus(total.dividedBy(2));
      pause(rest);
      throw serviceError(o.errorCode, o.errorMessage, call);
    }
    finishAfterEffect(call, total, timeout);
    return PutRecordResponse.builder()
        .shardId(o.shardId)
        .sequenceNumber(o.sequenceNumber)
        .encryptionType(EncryptionType.NONE)
        .build();
  }

  /** The outcome of one record: stored (shard, sequence number) or refused (error). */
  private record Outcome(
      String shardId, String sequenceNumber, String errorCode, String errorMessage) {}

  private Outcome apply(
      SimStream s,
      Instant now,
      String partitionKey,
      String explicitHashKey,
      SdkBytes data,
      String injected) {
    if (injected != null) {
      s.entriesFailed++;
      return new Outcome(null, null, injected, "injected " + injected);
    }
    BigInteger hash =
        explicitHashKey != null ? new BigInteger(explicitHashKey) : md5HashKey(partitionKey);
    SimShard shard = s.openShardFor(hash);
    byte[] bytes = data.asByteArray();
    int size = bytes.length + utf8(partitionKey);
    if (!shard.admit(nanos(now), size, limits)) {
      s.entriesThrottled++;
      return new Outcome(
          null,
          null,
          PTE,
          "Rate exceeded for shard "
              + shard.id
              + " in stream "
              + s.name
              + " under account "
              + ACCOUNT
              + ".");
    }
    StoredRecord r =
        new StoredRecord(
            shard.id, s.nextSequenceNumber(), partitionKey, explicitHashKey, bytes, now);
    shard.records.add(r);
    s.stored.add(r);
    s.entriesStored++;
    s.bytesStored += size;
    return new Outcome(shard.id, r.sequenceNumber(), null, null);
  }

  private void validate(List<PutRecordsRequestEntry> entries) {
    if (entries.isEmpty() || entries.size() > limits.maxEntriesPerCall()) {
      throw invalid(
          "PutRecords takes 1 to "
              + limits.maxEntriesPerCall()
              + " records, got "
              + entries.size());
    }
    long total = 0;
    for (PutRecordsRequestEntry e : entries) {
      total += validateEntry(e.partitionKey(), e.explicitHashKey(), e.data());
    }
    if (total > limits.maxRequestBytes()) {
      throw invalid(
          "the request's records total "
              + total
              + " bytes, over the limit of "
              + limits.maxRequestBytes());
    }
  }

  /** Checks one record; returns its metered size (data plus partition key). */
  private long validateEntry(String partitionKey, String explicitHashKey, SdkBytes data) {
    if (partitionKey == null) {
      throw invalid("a record has no partition key");
    }
    int chars = partitionKey.codePointCount(0, partitionKey.length());
    if (chars < 1 || chars > MAX_PARTITION_KEY_CHARS) {
      throw invalid("a partition key has " + chars + " characters, not 1 to 256");
    }
    if (data == null) {
      throw invalid("a record has no data");
    }
    if (explicitHashKey != null) {
      BigInteger h;
      try {
        h = new BigInteger(explicitHashKey);
      } catch (NumberFormatException e) {
        throw invalid("an explicit hash key is not a decimal number");
      }
      if (h.signum() < 0 || h.compareTo(MAX_HASH_KEY) > 0) {
        throw invalid("an explicit hash key is outside [0, 2^128)");
      }
    }
    long size = data.asByteArrayUnsafe().length + (long) utf8(partitionKey);
    if (size > limits.maxRecordBytes()) {
      throw invalid(
          "a record of "
              + size
              + " bytes (data plus partition key) is over the limit of "
              + limits.maxRecordBytes());
    }
    return size;
  }

  // ---- resharding -----------------------------------------------------------------------------

  @Override
  public CreateStreamResponse createStream(CreateStreamRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      call = register("CreateStream", request.streamName(), 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    synchronized (lock) {
      String name = request.streamName();
      if (name == null || !name.matches("[a-zA-Z0-9_.-]{1,128}")) {
        throw invalid("stream name " + name + " is not valid");
      }
      if (streams.containsKey(name)) {
        throw ResourceInUseException.builder()
            .message("Stream " + name + " under account " + ACCOUNT + " already exists.")
            .statusCode(400)
            .awsErrorDetails(details("ResourceInUseException", "exists"))
            .build();
      }
      Integer count = request.shardCount();
      if (count == null || count < 1) {
        throw invalid("ShardCount must be at least 1");
      }
      SimStream s = new SimStream(name, clock.instant());
      BigInteger step = MAX_HASH_KEY.add(BigInteger.ONE).divide(BigInteger.valueOf(count));
      for (int i = 0; i < count; i++) {
        BigInteger start = step.multiply(BigInteger.valueOf(i));
        BigInteger end = i == count - 1 ? MAX_HASH_KEY : start.add(step).subtract(BigInteger.ONE);
        s.addShard(null, null, start, end);
      }
      streams.put(name, s);
    }
    pause(total.minus(total.dividedBy(2)));
    return CreateStreamResponse.builder().build();
  }

  @Override
  public SplitShardResponse splitShard(SplitShardRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      call = register("SplitShard", s.name, 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      BigInteger at;
      try {
        at = new BigInteger(request.newStartingHashKey());
      } catch (RuntimeException e) {
        throw invalid("NewStartingHashKey is not a decimal number");
      }
      split(s, s.shard(request.shardToSplit()), at);
    }
    pause(total.minus(total.dividedBy(2)));
    return SplitShardResponse.builder().build();
  }

  private List<String> split(SimStream s, SimShard parent, BigInteger at) {
    if (!parent.open()) {
      throw invalid("shard " + parent.id + " is closed");
    }
    if (at.compareTo(parent.start) <= 0 || at.compareTo(parent.end) > 0) {
      throw invalid(
          "NewStartingHashKey must lie inside shard " + parent.id + "'s range, above it start");
    }
    parent.close(s.lastSequenceNumber());
    SimShard low = s.addShard(parent.id, null, parent.start, at.subtract(BigInteger.ONE));
    SimShard high = s.addShard(parent.id, null, at, parent.end);
    return List.of(low.id, high.id);
  }

  @Override
  public MergeShardsResponse mergeShards(MergeShardsRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      call = register("MergeShards", s.name, 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      SimShard a = s.shard(request.shardToMerge());
      SimShard b = s.shard(request.adjacentShardToMerge());
      if (!a.open() || !b.open()) {
        throw invalid("both shards to merge must be open");
      }
      boolean aFirst = a.end.add(BigInteger.ONE).equals(b.start);
      boolean bFirst = b.end.add(BigInteger.ONE).equals(a.start);
      if (!aFirst && !bFirst) {
        throw invalid("shards " + a.id + " and " + b.id + " are not adjacent");
      }
      String last = s.lastSequenceNumber();
      a.close(last);
      b.close(last);
      s.addShard(a.id, b.id, aFirst ? a.start : b.start, aFirst ? b.end : a.end);
    }
    pause(total.minus(total.dividedBy(2)));
    return MergeShardsResponse.builder().build();
  }

  // ---- reads ----------------------------------------------------------------------------------

  @Override
  public ListShardsResponse listShards(ListShardsRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      String name = request.streamName();
      if (request.nextToken() != null && (name != null || request.streamARN() != null)) {
        throw invalid("NextToken and StreamName or StreamARN cannot be given together");
      }
      call = register("ListShards", name, 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    ListShardsResponse response;
    synchronized (lock) {
      SimStream s;
      int from;
      boolean openOnly;
      if (request.nextToken() != null) {
        String[] t = request.nextToken().substring(TOKEN_PREFIX.length()).split(":", 3);
        if (!request.nextToken().startsWith(TOKEN_PREFIX) || t.length != 3) {
          throw invalid("NextToken is not valid");
        }
        s = stream(t[0], null);
        from = Integer.parseInt(t[1]);
        openOnly = Boolean.parseBoolean(t[2]);
      } else {
        s = stream(request.streamName(), request.streamARN());
        openOnly =
            request.shardFilter() != null
                && request.shardFilter().type() == ShardFilterType.AT_LATEST;
        from = 0;
        if (request.exclusiveStartShardId() != null) {
          for (int i = 0; i < s.shards.size(); i++) {
            if (s.shards.get(i).id.equals(request.exclusiveStartShardId())) {
              from = i + 1;
            }
          }
        }
      }
      int pageSize =
          Math.min(
              listShardsPageSize,
              request.maxResults() == null
                  ? LIST_SHARDS_MAX_RESULTS
                  : Math.min(request.maxResults(), LIST_SHARDS_MAX_RESULTS));
      List<Shard> page = new ArrayList<>();
      int i = from;
      for (; i < s.shards.size() && page.size() < pageSize; i++) {
        SimShard shard = s.shards.get(i);
        if (!openOnly || shard.open()) {
          page.add(shard.describe());
        }
      }
      response =
          ListShardsResponse.builder()
              .shards(page)
              .nextToken(
                  i < s.shards.size() ? TOKEN_PREFIX + s.name + ":" + i + ":" + openOnly : null)
              .build();
    }
    pause(total.minus(total.dividedBy(2)));
    return response;
  }

  @Override
  public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      call = register("DescribeStreamSummary", request.streamName(), 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    StreamDescriptionSummary summary;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      summary =
          StreamDescriptionSummary.builder()
              .streamName(s.name)
              .streamARN(s.arn)
              .streamStatus(StreamStatus.ACTIVE)
              .streamModeDetails(
                  StreamModeDetails.builder().streamMode(StreamMode.PROVISIONED).build())
              .retentionPeriodHours(24)
              .streamCreationTimestamp(s.created)
              .enhancedMonitoring(EnhancedMetrics.builder().shardLevelMetrics(List.of()).build())
              .encryptionType(EncryptionType.NONE)
              .openShardCount((int) s.shards.stream().filter(SimShard::open).count())
              .consumerCount(0)
              .build();
    }
    pause(total.minus(total.dividedBy(2)));
    return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(summary).build();
  }

  @Override
  public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      call = register("DescribeStream", request.streamName(), 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    StreamDescription description;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      description =
          StreamDescription.builder()
              .streamName(s.name)
              .streamARN(s.arn)
              .streamStatus(StreamStatus.ACTIVE)
              .streamModeDetails(
                  StreamModeDetails.builder().streamMode(StreamMode.PROVISIONED).build())
              .retentionPeriodHours(24)
              .streamCreationTimestamp(s.created)
              .enhancedMonitoring(EnhancedMetrics.builder().shardLevelMetrics(List.of()).build())
              .encryptionType(EncryptionType.NONE)
              .shards(s.shards.stream().map(SimShard::describe).toList())
              .hasMoreShards(false)
              .build();
    }
    pause(total.minus(total.dividedBy(2)));
    return DescribeStreamResponse.builder().streamDescription(description).build();
  }

  @Override
  public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      call = register("GetShardIterator", request.streamName(), 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    String iterator;
    synchronized (lock) {
      SimStream s = stream(request.streamName(), request.streamARN());
      SimShard shard = s.shard(request.shardId());
      if (request.shardIteratorType() == null) {
        throw invalid("ShardIteratorType is required");
      }
      List<StoredRecord> records = shard.records;
      int index =
          switch (request.shardIteratorType()) {
            case TRIM_HORIZON -> 0;
            case LATEST -> records.size();
            case AT_SEQUENCE_NUMBER -> firstIndex(records, seq(request), false);
            case AFTER_SEQUENCE_NUMBER -> firstIndex(records, seq(request), true);
            case AT_TIMESTAMP -> {
              if (request.timestamp() == null) {
                throw invalid("AT_TIMESTAMP needs a Timestamp");
              }
              int i = 0;
              while (i < records.size() && records.get(i).arrival().isBefore(request.timestamp())) {
                i++;
              }
              yield i;
            }
            default -> throw invalid("unknown ShardIteratorType " + request.shardIteratorType());
          };
      iterator = ITERATOR_PREFIX + s.name + ":" + shard.id + ":" + index;
    }
    pause(total.minus(total.dividedBy(2)));
    return GetShardIteratorResponse.builder().shardIterator(iterator).build();
  }

  private static BigInteger seq(GetShardIteratorRequest request) {
    if (request.startingSequenceNumber() == null) {
      throw invalid(request.shardIteratorType() + " needs a StartingSequenceNumber");
    }
    try {
      return new BigInteger(request.startingSequenceNumber());
    } catch (NumberFormatException e) {
      throw invalid("StartingSequenceNumber is not a decimal number");
    }
  }

  private static int firstIndex(List<StoredRecord> records, BigInteger seq, boolean after) {
    int i = 0;
    while (i < records.size()) {
      int c = new BigInteger(records.get(i).sequenceNumber()).compareTo(seq);
      if (after ? c > 0 : c >= 0) {
        break;
      }
      i++;
    }
    return i;
  }

  @Override
  public GetRecordsResponse getRecords(GetRecordsRequest request) {
    SimulatedCall call;
    synchronized (lock) {
      call = register("GetRecords", null, 0, 0);
    }
    Duration total = latencyOf(call);
    failBeforeEffect(call, total, apiCallTimeout(request.overrideConfiguration()), null);
    GetRecordsResponse response;
    synchronized (lock) {
      String it = request.shardIterator();
      String[] parts =
          it == null || !it.startsWith(ITERATOR_PREFIX)
              ? new String[0]
              : it.substring(ITERATOR_PREFIX.length()).split(":", 3);
      if (parts.length != 3) {
        throw ExpiredIteratorException.builder()
            .message("shard iterator is not valid")
            .statusCode(400)
            .awsErrorDetails(details("ExpiredIteratorException", "not valid"))
            .build();
      }
      SimStream s = stream(parts[0], null);
      SimShard shard = s.shard(parts[1]);
      int from = Integer.parseInt(parts[2]);
      int limit = request.limit() == null ? MAX_GET_RECORDS : request.limit();
      if (limit < 1 || limit > MAX_GET_RECORDS) {
        throw invalid("Limit must be 1 to 10000");
      }
      List<Record> out = new ArrayList<>();
      long bytes = 0;
      int i = from;
      for (; i < shard.records.size() && out.size() < limit; i++) {
        StoredRecord r = shard.records.get(i);
        if (!out.isEmpty() && bytes + r.data().length > MAX_GET_RECORDS_BYTES) {
          break;
        }
        bytes += r.data().length;
        out.add(
            Record.builder()
                .sequenceNumber(r.sequenceNumber())
                .approximateArrivalTimestamp(r.arrival())
                .partitionKey(r.partitionKey())
                .data(SdkBytes.fromByteArray(r.data()))
                .encryptionType(EncryptionType.NONE)
                .build());
      }
      boolean atEnd = i == shard.records.size();
      GetRecordsResponse.Builder b =
          GetRecordsResponse.builder()
              .records(out)
              .millisBehindLatest(
                  atEnd
                      ? 0L
                      : Math.max(
                          0L,
                          Duration.between(shard.records.get(i).arrival(), clock.instant())
                              .toMillis()));
      if (atEnd && !shard.open()) {
        List<ChildShard> children = new ArrayList<>();
        for (SimShard c : s.shards) {
          if (shard.id.equals(c.parent) || shard.id.equals(c.adjacentParent)) {
            children.add(
                ChildShard.builder()
                    .shardId(c.id)
                    .parentShards(
                        c.adjacentParent == null
                            ? List.of(c.parent)
                            : List.of(c.parent, c.adjacentParent))
                    .hashKeyRange(c.range())
                    .build());
          }
        }
        b.childShards(children).nextShardIterator(null);
      } else {
        b.nextShardIterator(ITERATOR_PREFIX + s.name + ":" + shard.id + ":" + i);
      }
      response = b.build();
    }
    pause(total.minus(total.dividedBy(2)));
    return response;
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  /** Nothing to release. */
  @Override
  public void close() {}

  // ---- time, latency, faults -------------------------------------------------------------------

  private SimulatedCall register(String operation, String stream, int entries, long bytes) {
    return new SimulatedCall(++calls, operation, stream, entries, bytes);
  }

  private Duration latencyOf(SimulatedCall call) {
    Duration d = latency.latencyOf(call);
    return d == null || d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration apiCallTimeout(Optional<AwsRequestOverrideConfiguration> override) {
    return override.flatMap(AwsRequestOverrideConfiguration::apiCallTimeout).orElse(null);
  }

  /**
   * The first half of a call: waits half its latency, then throws what keeps it from taking effect
   * (an invalid request, an injected fault, a timeout that came first).
   */
  private void failBeforeEffect(
      SimulatedCall call, Duration total, Duration timeout, RuntimeException invalid) {
    Duration half = total.dividedBy(2);
    if (timeout != null && half.compareTo(timeout) >= 0) {
      pause(timeout);
      throw ApiCallTimeoutException.create(timeout.toMillis());
    }
    RuntimeException fault = invalid != null ? invalid : faults.failCall(call);
    if (fault != null) {
      if (timeout != null && total.compareTo(timeout) > 0) {
        pause(timeout);
        throw ApiCallTimeoutException.create(timeout.toMillis());
      }
      pause(total);
      throw fault;
    }
    pause(half);
  }

  /** The second half of a call that took effect: waits the rest, or times out. */
  private void finishAfterEffect(SimulatedCall call, Duration total, Duration timeout) {
    Duration half = total.dividedBy(2);
    boolean lateAnswer = timeout != null && total.compareTo(timeout) > 0;
    if (lateAnswer || faults.timeOutAfterWrite(call)) {
      Duration until = timeout != null ? timeout : total;
      pause(until.minus(half));
      throw ApiCallTimeoutException.create(until.toMillis());
    }
    pause(total.minus(half));
  }

  private void pause(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      waiter.await(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AbortedException.builder().message("Thread was interrupted").cause(e).build();
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private SimStream stream(String name, String arn) {
    String key = name;
    if (key == null && arn != null) {
      int slash = arn.lastIndexOf("stream/");
      key = slash < 0 ? arn : arn.substring(slash + "stream/".length());
    }
    if (key == null) {
      throw invalid("StreamName or StreamARN is required");
    }
    SimStream s = streams.get(key);
    if (s == null || (name != null && arn != null && !arn.equals(s.arn))) {
      throw ResourceNotFoundException.builder()
          .message("Stream " + key + " under account " + ACCOUNT + " not found.")
          .statusCode(400)
          .awsErrorDetails(details("ResourceNotFoundException", "not found"))
          .build();
    }
    return s;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static int utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Kinesis's routing: the MD5 of the partition key's UTF-8 bytes as an unsigned 128-bit number.
   * Computed here independently of the producer under test, so that the simulator is an oracle.
   */
  static BigInteger md5HashKey(String partitionKey) {
    MessageDigest md5 = MD5.get();
    md5.reset();
    return new BigInteger(1, md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("MD5 is required of every JVM", e);
            }
          });

  private static AwsErrorDetails details(String code, String message) {
    return AwsErrorDetails.builder()
        .errorCode(code)
        .errorMessage(message)
        .serviceName("Kinesis")
        .build();
  }

  private static InvalidArgumentException invalid(String message) {
    return InvalidArgumentException.builder()
        .message(message)
        .statusCode(400)
        .awsErrorDetails(details("InvalidArgumentException", message))
        .build();
  }

  /** The exception PutRecord throws for an entry error code. */
  private static AwsServiceException serviceError(String code, String message, SimulatedCall c) {
    String requestId = "sim-" + c.number();
    AwsErrorDetails d = details(code, message);
    return switch (code) {
      case PTE ->
          ProvisionedThroughputExceededException.builder()
              .message(message)
              .statusCode(400)
              .requestId(requestId)
              .awsErrorDetails(d)
              .build();
      case "InternalFailure" ->
          InternalFailureException.builder()
              .message(message)
              .statusCode(500)
              .requestId(requestId)
              .awsErrorDetails(d)
              .build();
      case "LimitExceededException" ->
          LimitExceededException.builder()
              .message(message)
              .statusCode(400)
              .requestId(requestId)
              .awsErrorDetails(d)
              .build();
      default ->
          KinesisException.builder()
              .message(message)
              .statusCode(400)
              .requestId(requestId)
              .awsErrorDetails(d)
              .build();
    };
  }

  /** A stream: its shards in creation order, the records in storage order, and counters. */
  private static final class SimStream {
    final String name;
    final String arn;
    final Instant created;
    final List<SimShard> shards = new ArrayList<>();
    final List<StoredRecord> stored = new ArrayList<>();
    final List<PutRecordsRequest> requests = new ArrayList<>();
    long sequence;
    long putCalls;
    long entriesReceived;
    long entriesStored;
    long entriesThrottled;
    long entriesFailed;
    long bytesStored;
    Instant firstPut;
    Instant lastPut;

    SimStream(String name, Instant created) {
      this.name = name;
      this.arn = "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + name;
      this.created = created;
    }

    SimShard addShard(String parent, String adjacentParent, BigInteger start, BigInteger end) {
      SimShard s =
          new SimShard(
              String.format("shardId-%012d", shards.size()),
              parent,
              adjacentParent,
              start,
              end,
              format(sequence + 1));
      shards.add(s);
      return s;
    }

    SimShard shard(String id) {
      for (SimShard s : shards) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      throw ResourceNotFoundException.builder()
          .message(
              "Shard " + id + " in stream " + name + " under account " + ACCOUNT + " not found.")
          .statusCode(400)
          .awsErrorDetails(details("ResourceNotFoundException", "not found"))
          .build();
    }

    SimShard openShardFor(BigInteger hash) {
      for (SimShard s : shards) {
        if (s.open() && s.start.compareTo(hash) <= 0 && s.end.compareTo(hash) >= 0) {
          return s;
        }
      }
      throw new IllegalStateException("no open shard covers hash key " + hash);
    }

    String nextSequenceNumber() {
      return format(++sequence);
    }

    String lastSequenceNumber() {
      return format(sequence);
    }

    void touch(Instant now) {
      if (firstPut == null) {
        firstPut = now;
      }
      lastPut = now;
    }

    private static final String ZEROS = "000000000000000000000";

    /** Fixed width (21 digits), so that sequence numbers also sort as text. */
    private static String format(long n) {
      String digits = Long.toString(n);
      return ZEROS.substring(digits.length()) + digits;
    }
  }

  /** A shard: its range, parents, records and the rolling window of what it accepted. */
  private static final class SimShard {
    final String id;
    final String parent;
    final String adjacentParent;
    final BigInteger start;
    final BigInteger end;
    final String startingSequenceNumber;
    String endingSequenceNumber;
    final List<StoredRecord> records = new ArrayList<>();
    private final ArrayDeque<long[]> window = new ArrayDeque<>(); // {nanos, bytes}
    private long windowBytes;

    SimShard(
        String id,
        String parent,
        String adjacentParent,
        BigInteger start,
        BigInteger end,
        String startingSequenceNumber) {
      this.id = id;
      this.parent = parent;
      this.adjacentParent = adjacentParent;
      this.start = start;
      this.end = end;
      this.startingSequenceNumber = startingSequenceNumber;
    }

    boolean open() {
      return endingSequenceNumber == null;
    }

    void close(String endingSequenceNumber) {
      this.endingSequenceNumber = endingSequenceNumber;
    }

    /**
     * Whether a record of {@code bytes} fits the rolling window ending at {@code now}; takes it.
     */
    boolean admit(long now, int bytes, SimulatedLimits limits) {
      long windowStart = now - limits.window().toNanos();
      while (!window.isEmpty() && window.peekFirst()[0] <= windowStart) {
        windowBytes -= window.pollFirst()[1];
      }
      if (window.size() + 1 > limits.shardRecordsPerWindow()
          || windowBytes + bytes > limits.shardBytesPerWindow()) {
        return false;
      }
      window.addLast(new long[] {now, bytes});
      windowBytes += bytes;
      return true;
    }

    HashKeyRange range() {
      return HashKeyRange.builder()
          .startingHashKey(start.toString())
          .endingHashKey(end.toString())
          .build();
    }

    Shard describe() {
      return Shard.builder()
          .shardId(id)
          .parentShardId(parent)
          .adjacentParentShardId(adjacentParent)
          .hashKeyRange(range())
          .sequenceNumberRange(
              SequenceNumberRange.builder()
                  .startingSequenceNumber(startingSequenceNumber)
                  .endingSequenceNumber(endingSequenceNumber)
                  .build())
          .build();
    }
  }

  /** Builds a {@link SimulatedKinesis}; the clock is required. */
  public static final class Builder {
    private Clock clock;
    private CallLatency latency = CallLatency.NONE;
    private Waiter waiter = Waiter.SLEEP;
    private FaultHooks faults = FaultHooks.NONE;
    private SimulatedLimits limits = SimulatedLimits.kinesis();
    private int listShardsPageSize = 1000;
    private boolean recordRequests;

    private Builder() {}

    /** The clock that dates records and drives the rolling windows. Required. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Each call's latency; default none. */
    public Builder latency(CallLatency latency) {
      this.latency = Objects.requireNonNull(latency, "latency");
      return this;
    }

    /** How latency is waited; default {@link Waiter#SLEEP}. */
    public Builder waiter(Waiter waiter) {
      this.waiter = Objects.requireNonNull(waiter, "waiter");
      return this;
    }

    /** Injected faults; default none. */
    public Builder faults(FaultHooks faults) {
      this.faults = Objects.requireNonNull(faults, "faults");
      return this;
    }

    /** Limits; default {@link SimulatedLimits#kinesis()}. */
    public Builder limits(SimulatedLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The most shards one ListShards page returns (Kinesis: up to 10,000); default 1,000. */
    public Builder listShardsPageSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("page size must be positive");
      }
      this.listShardsPageSize = size;
      return this;
    }

    /** Whether to keep every PutRecords request, for {@link #putRecordsRequests}; default off. */
    public Builder recordRequests(boolean recordRequests) {
      this.recordRequests = recordRequests;
      return this;
    }

    public SimulatedKinesis build() {
      if (clock == null) {
        throw new IllegalStateException("SimulatedKinesis needs a clock (time is injected)");
      }
      return new SimulatedKinesis(this);
    }
  }
}
