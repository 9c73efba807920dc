package io.cdckinesis.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

class SimulatedKinesisTest {

  private static final String PTE = "ProvisionedThroughputExceededException";
  private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  private SimulatedKinesis.Builder sim() {
    return SimulatedKinesis.builder().clock(clock).waiter(clock::advance);
  }

  private static PutRecordsRequestEntry entry(String key, int bytes) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(key)
        .data(SdkBytes.fromByteArray(new byte[bytes]))
        .build();
  }

  private static PutRecordsRequestEntry entry(String key, String data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(key)
        .data(SdkBytes.fromUtf8String(data))
        .build();
  }

  private static PutRecordsResponse put(
      SimulatedKinesis k, String stream, List<PutRecordsRequestEntry> entries) {
    return k.putRecords(PutRecordsRequest.builder().streamName(stream).records(entries).build());
  }

  /** A partition key that routes into the lower (or upper) half of the hash-key space. */
  private static String keyIn(boolean lower, int n) {
    for (int i = 0; ; i++) {
      String k = "k" + n + "-" + i;
      if ((SimulatedKinesis.md5HashKey(k).compareTo(HALF) < 0) == lower) {
        return k;
      }
    }
  }

  @Test
  void createsStreamsWithEvenShardsAndDescribesThem() {
    SimulatedKinesis k = sim().build();
    k.createStream("s", 4);
    List<Shard> shards = k.listShards(b -> b.streamName("s")).shards();
    assertThat(shards)
        .extracting(Shard::shardId)
        .containsExactly(
            "shardId-000000000000",
            "shardId-000000000001",
            "shardId-000000000002",
            "shardId-000000000003");
    assertThat(shards.get(0).hashKeyRange().startingHashKey()).isEqualTo("0");
    assertThat(shards.get(3).hashKeyRange().endingHashKey())
        .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString());
    for (int i = 1; i < 4; i++) {
      assertThat(new BigInteger(shards.get(i).hashKeyRange().startingHashKey()))
          .isEqualTo(
              new BigInteger(shards.get(i - 1).hashKeyRange().endingHashKey()).add(BigInteger.ONE));
    }
    var summary = k.describeStreamSummary(b -> b.streamName("s")).streamDescriptionSummary();
    assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
    assertThat(summary.openShardCount()).isEqualTo(4);
    assertThat(summary.streamARN()).endsWith(":stream/s");
    assertThat(k.listShards(b -> b.streamARN(summary.streamARN())).shards()).hasSize(4);
    assertThatThrownBy(() -> k.listShards(b -> b.streamName("missing")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void routesByMd5OrExplicitHashKeyAnswersInOrderAndReadsBack() {
    SimulatedKinesis k = sim().build();
    k.createStream("s", 2);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      entries.add(entry(keyIn(i % 2 == 0, i), "r" + i));
    }
    entries.add(
        PutRecordsRequestEntry.builder()
            .partitionKey(keyIn(true, 99))
            .explicitHashKey(HALF.toString()) // upper half, whatever the key
            .data(SdkBytes.fromUtf8String("explicit"))
            .build());
    PutRecordsResponse r = put(k, "s", entries);
    assertThat(r.failedRecordCount()).isZero();
    for (int i = 0; i < 20; i++) {
      assertThat(r.records().get(i).shardId())
          .isEqualTo(i % 2 == 0 ? "shardId-000000000000" : "shardId-000000000001");
    }
    assertThat(r.records().get(20).shardId()).isEqualTo("shardId-000000000001");

    String it =
        k.getShardIterator(
                b ->
                    b.streamName("s")
                        .shardId("shardId-000000000001")
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    GetRecordsResponse page = k.getRecords(b -> b.shardIterator(it).limit(5));
    assertThat(page.records())
        .extracting(x -> x.data().asUtf8String())
        .containsExactly("r1", "r3", "r5", "r7", "r9");
    GetRecordsResponse rest = k.getRecords(b -> b.shardIterator(page.nextShardIterator()));
    assertThat(rest.records())
        .extracting(x -> x.data().asUtf8String())
        .containsExactly("r11", "r13", "r15", "r17", "r19", "explicit");
    List<String> seqs = new ArrayList<>();
    page.records().forEach(x -> seqs.add(x.sequenceNumber()));
    rest.records().forEach(x -> seqs.add(x.sequenceNumber()));
    List<String> sorted = new ArrayList<>(seqs);
    Collections.sort(sorted);
    assertThat(seqs).isEqualTo(sorted).doesNotHaveDuplicates();

    String after =
        k.getShardIterator(
                b ->
                    b.streamName("s")
                        .shardId("shardId-000000000001")
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .startingSequenceNumber(seqs.get(8)))
            .shardIterator();
    assertThat(k.getRecords(b -> b.shardIterator(after)).records())
        .extracting(x -> x.data().asUtf8String())
        .containsExactly("r19", "explicit");
    assertThat(k.records("s")).hasSize(21);
  }

  @Test
  void enforcesThePerCallLimitsOnTheWholeCall() {
    SimulatedKinesis k = sim().build();
    k.createStream("s", 1);
    List<PutRecordsRequestEntry> tooMany = new ArrayList<>();
    for (int i = 0; i < 501; i++) {
      tooMany.add(entry("k" + i, 1));
    }
    assertThatThrownBy(() -> put(k, "s", tooMany))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("501");
    assertThatThrownBy(() -> put(k, "s", List.of())).isInstanceOf(InvalidArgumentException.class);

    int mib = 1024 * 1024;
    // 1 MiB counts the partition key: "key" (3 bytes) + data
    assertThat(put(k, "s", List.of(entry("key", mib - 3))).failedRecordCount()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> put(k, "s", List.of(entry("key", mib - 2))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("1048577 bytes");
    List<PutRecordsRequestEntry> sixMib = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sixMib.add(entry("k" + i, mib - 100));
    }
    assertThatThrownBy(() -> put(k, "s", sixMib))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("over the limit of 5242880");
    assertThatThrownBy(() -> put(k, "s", List.of(entry("", 1))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> put(k, "s", List.of(entry("x".repeat(257), 1))))
        .isInstanceOf(InvalidArgumentException.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(put(k, "s", List.of(entry("é".repeat(256), 1))).failedRecordCount()).isZero();
    assertThat(k.records("s")).hasSize(2); // nothing of a refused call was stored
  }

  @Test
  void throttlesPerShardOverARollingSecondAndStoresNothingThrottled() {
    SimulatedKinesis k = sim().build();
    k.createStream("s", 2);
    String low = keyIn(true, 1);
    String high = keyIn(false, 2);
    List<PutRecordsRequestEntry> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(entry(low, 10));
    }
    assertThat(put(k, "s", batch).failedRecordCount()).isZero();
    clock.advance(Duration.ofMillis(400));
    List<PutRecordsRequestEntry> mixed = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      mixed.add(entry(low, 10));
      mixed.add(entry(high, 10));
    }
    assertThat(put(k, "s", mixed).failedRecordCount()).isZero(); // low shard at 750
    clock.advance(Duration.ofMillis(500));
    List<PutRecordsRequestEntry> more = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      more.add(entry(low, 10));
    }
    PutRecordsResponse r = put(k, "s", more);
    assertThat(r.failedRecordCount()).isEqualTo(50); // 250 fit, 50 over 1,000 in the last second
    assertThat(r.records().subList(250, 300))
        .allSatisfy(
            e -> {
              assertThat(e.errorCode()).isEqualTo(PTE);
              assertThat(e.errorMessage()).contains("Rate exceeded for shard shardId-000000000000");
              assertThat(e.shardId()).isNull();
            });
    assertThat(k.records("s", "shardId-000000000000")).hasSize(1000);
    // 100 ms later the first 500 (at t=0) have left the window... not yet: they leave at t=1 s
    clock.advance(Duration.ofMillis(99));
    assertThat(put(k, "s", List.of(entry(low, 10))).failedRecordCount()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1)); // t = 1 s: the first call's 500 leave the window
    assertThat(put(k, "s", more).failedRecordCount()).isZero();
    StreamStats stats = k.stats("s");
    assertThat(stats.entriesThrottled()).isEqualTo(51);
    assertThat(stats.entriesStored()).isEqualTo(1550);
    assertThat(stats.entriesReceived()).isEqualTo(1601);
    assertThat(stats.putCalls()).isEqualTo(5);
    assertThat(stats.firstPut()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(stats.lastPut()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
  }

  @Test
  void theByteLimitCountsPartitionKeys() {
    SimulatedKinesis k = sim().build();
    k.createStream("s", 1);
    int mib = 1024 * 1024;
    String key = "abcd";
    // four records of a quarter MiB including their keys fill the shard's second exactly
    List<PutRecordsRequestEntry> four = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      four.add(entry(key, mib / 4 - key.length()));
    }
    assertThat(put(k, "s", four).failedRecordCount()).isZero();
    assertThat(put(k, "s", List.of(entry(key, 1))).records().get(0).errorCode()).isEqualTo(PTE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(put(k, "s", List.of(entry(key, 1))).failedRecordCount()).isZero();
  }

  @Test
  void putRecordThrowsWhenThrottled() {
    SimulatedKinesis k =
        sim().limits(SimulatedLimits.kinesis().withShardLimits(1024 * 1024, 2)).build();
    k.createStream("s", 1);
    for (int i = 0; i < 2; i++) {
      assertThat(
              k.putRecord(
                      b -> b.streamName("s").partitionKey("a").data(SdkBytes.fromUtf8String("x")))
                  .sequenceNumber())
          .isNotNull();
    }
    assertThatThrownBy(
            () ->
                k.putRecord(
                    b -> b.streamName("s").partitionKey("a").data(SdkBytes.fromUtf8String("x"))))
        .isInstanceOf(ProvisionedThroughputExceededException.class)
        .satisfies(
            e ->
                assertThat(
                        ((ProvisionedThroughputExceededException) e).awsErrorDetails().errorCode())
                    .isEqualTo(PTE));
  }

  @Test
  void splitAndMergeCloseParentsOpenChildrenAndMoveRouting() {
    SimulatedKinesis k = sim().build();
    k.createStream("s", 1);
    String low = keyIn(true, 1);
    String high = keyIn(false, 2);
    put(k, "s", List.of(entry(low, "before-low"), entry(high, "before-high")));
    List<String> children = k.splitShard("s", "shardId-000000000000");
    assertThat(children).containsExactly("shardId-000000000001", "shardId-000000000002");
    PutRecordsResponse r = put(k, "s", List.of(entry(low, "after-low"), entry(high, "after-high")));
    assertThat(r.records())
        .extracting(PutRecordsResultEntry::shardId)
        .containsExactly("shardId-000000000001", "shardId-000000000002");

    List<Shard> shards = k.listShards(b -> b.streamName("s")).shards();
    assertThat(shards).hasSize(3);
    Shard parent = shards.get(0);
    assertThat(parent.sequenceNumberRange().endingSequenceNumber()).isNotNull();
    assertThat(shards.get(1).parentShardId()).isEqualTo("shardId-000000000000");
    assertThat(shards.get(2).parentShardId()).isEqualTo("shardId-000000000000");
    assertThat(shards.get(1).hashKeyRange().endingHashKey())
        .isEqualTo(HALF.subtract(BigInteger.ONE).toString());
    assertThat(shards.get(2).hashKeyRange().startingHashKey()).isEqualTo(HALF.toString());
    assertThat(
            k.listShards(b -> b.streamName("s").shardFilter(f -> f.type(ShardFilterType.AT_LATEST)))
                .shards())
        .extracting(Shard::shardId)
        .containsExactly("shardId-000000000001", "shardId-000000000002");

    // reading the parent to its end names the children and ends the iterator
    String it =
        k.getShardIterator(
                b ->
                    b.streamName("s")
                        .shardId("shardId-000000000000")
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    GetRecordsResponse end = k.getRecords(b -> b.shardIterator(it));
    assertThat(end.records())
        .extracting(x -> x.data().asUtf8String())
        .containsExactly("before-low", "before-high");
    assertThat(end.nextShardIterator()).isNull();
    assertThat(end.childShards()).hasSize(2);

    k.mergeShards(
        b ->
            b.streamName("s")
                .shardToMerge("shardId-000000000001")
                .adjacentShardToMerge("shardId-000000000002"));
    List<Shard> merged = k.shards("s");
    assertThat(merged).hasSize(4);
    Shard child = merged.get(3);
    assertThat(child.parentShardId()).isEqualTo("shardId-000000000001");
    assertThat(child.adjacentParentShardId()).isEqualTo("shardId-000000000002");
    assertThat(child.hashKeyRange().startingHashKey()).isEqualTo("0");
    assertThat(put(k, "s", List.of(entry(high, "merged"))).records().get(0).shardId())
        .isEqualTo("shardId-000000000003");
    assertThatThrownBy(() -> k.splitShard("s", "shardId-000000000001"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void listShardsPagesWithTokensAsKinesisDoes() {
    SimulatedKinesis k = sim().listShardsPageSize(2).build();
    k.createStream("s", 5);
    ListShardsResponse first = k.listShards(b -> b.streamName("s"));
    assertThat(first.shards()).hasSize(2);
    assertThat(first.nextToken()).isNotNull();
    assertThatThrownBy(() -> k.listShards(b -> b.streamName("s").nextToken(first.nextToken())))
        .isInstanceOf(InvalidArgumentException.class);
    List<Shard> all = new ArrayList<>(first.shards());
    String token = first.nextToken();
    while (token != null) {
      String t = token;
      ListShardsResponse page = k.listShards(b -> b.nextToken(t));
      all.addAll(page.shards());
      token = page.nextToken();
    }
    assertThat(all).extracting(Shard::shardId).doesNotHaveDuplicates().hasSize(5);
  }

  @Test
  void injectedFaultsFailCallsAndEntriesAndTimeOutAfterAWrite() {
    SimulatedKinesis k =
        sim()
            .faults(
                new FaultHooks() {
                  @Override
                  public RuntimeException failCall(SimulatedCall call) {
                    return call.operation().equals("PutRecords") && call.number() == 2
                        ? InternalFailureException.builder().message("boom").build()
                        : null;
                  }

                  @Override
                  public String failEntry(SimulatedCall call, int index, PutRecordsRequestEntry e) {
                    return index == 1 ? "InternalFailure" : null;
                  }

                  @Override
                  public boolean timeOutAfterWrite(SimulatedCall call) {
                    return call.number() == 4;
                  }
                })
            .build();
    k.createStream("s", 1); // call 1
    assertThatThrownBy(() -> put(k, "s", List.of(entry("a", "x")))) // call 2
        .isInstanceOf(InternalFailureException.class);
    assertThat(k.records("s")).isEmpty();
    PutRecordsResponse r = put(k, "s", List.of(entry("a", "0"), entry("b", "1"), entry("c", "2")));
    assertThat(r.failedRecordCount()).isEqualTo(1);
    assertThat(r.records().get(1).errorCode()).isEqualTo("InternalFailure");
    assertThat(k.records("s"))
        .extracting(s -> new String(s.data(), StandardCharsets.UTF_8))
        .containsExactly("0", "2");
    assertThatThrownBy(() -> put(k, "s", List.of(entry("d", "landed")))) // call 4
        .isInstanceOf(ApiCallTimeoutException.class);
    assertThat(k.records("s")).hasSize(3);
    assertThat(k.stats("s").entriesFailed()).isEqualTo(1);
  }

  @Test
  void latencyIsWaitedHalfBeforeAndHalfAfterTheEffectAndTheRequestTimeoutIsHonoured() {
    List<Duration> waits = new ArrayList<>();
    SimulatedKinesis k =
        SimulatedKinesis.builder()
            .clock(clock)
            .latency(
                call ->
                    call.operation().equals("PutRecords") && call.entries() == 2
                        ? Duration.ofMillis(400)
                        : Duration.ofMillis(30))
            .waiter(
                d -> {
                  waits.add(d);
                  clock.advance(d);
                })
            .build();
    k.createStream("s", 1);
    waits.clear();
    Instant start = clock.instant();
    put(k, "s", List.of(entry("a", "x")));
    assertThat(waits).containsExactly(Duration.ofMillis(15), Duration.ofMillis(15));
    assertThat(k.records("s").get(0).arrival()).isEqualTo(start.plusMillis(15));

    // latency 400 ms, timeout 300 ms: the write lands at 200 ms, the caller gives up at 300 ms
    waits.clear();
    Instant before = clock.instant();
    PutRecordsRequest slow =
        PutRecordsRequest.builder()
            .streamName("s")
            .records(entry("a", "y"), entry("b", "z"))
            .overrideConfiguration(
                AwsRequestOverrideConfiguration.builder()
                    .apiCallTimeout(Duration.ofMillis(300))
                    .build())
            .build();
    assertThatThrownBy(() -> k.putRecords(slow)).isInstanceOf(ApiCallTimeoutException.class);
    assertThat(clock.instant()).isEqualTo(before.plusMillis(300));
    assertThat(k.records("s")).hasSize(3);

    // timeout 100 ms: the request never arrived
    PutRecordsRequest tooSlow =
        slow.toBuilder()
            .overrideConfiguration(
                AwsRequestOverrideConfiguration.builder()
                    .apiCallTimeout(Duration.ofMillis(100))
                    .build())
            .build();
    assertThatThrownBy(() -> k.putRecords(tooSlow)).isInstanceOf(ApiCallTimeoutException.class);
    assertThat(k.records("s")).hasSize(3);
  }

  @Test
  void manyThreadsWriteAtOnceAndEveryRecordIsStoredOnce() throws Exception {
    SimulatedKinesis k =
        SimulatedKinesis.builder()
            .clock(java.time.Clock.systemUTC())
            .latency(CallLatency.fixed(Duration.ofMillis(2)))
            .limits(SimulatedLimits.unthrottled())
            .build();
    k.createStream("s", 4);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<PutRecordsResponse>> futures = new ArrayList<>();
      for (int t = 0; t < 40; t++) {
        int base = t * 100;
        futures.add(
            pool.submit(
                () -> {
                  List<PutRecordsRequestEntry> es = new ArrayList<>();
                  for (int i = 0; i < 100; i++) {
                    es.add(entry("key-" + (base + i), "v" + (base + i)));
                  }
                  return put(k, "s", es);
                }));
      }
      for (Future<PutRecordsResponse> f : futures) {
        assertThat(f.get().failedRecordCount()).isZero();
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(k.records("s")).hasSize(4000);
    assertThat(k.records("s"))
        .extracting(s -> new String(s.data(), StandardCharsets.UTF_8))
        .doesNotHaveDuplicates();
    int perShard = 0;
    for (Shard s : k.shards("s")) {
      perShard += k.records("s", s.shardId()).size();
    }
    assertThat(perShard).isEqualTo(4000);
  }
}
