package io.cdckinesis.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdckinesis.local.LocalCredentials;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.Crc32MismatchException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The wrapper under a real SDK Kinesis client, over a Kinesis answered from memory (no network):
 * what reaches the server, what the SDK makes of the rewritten answers.
 */
class FaultInjectingHttpClientTest {

  @BeforeAll
  static void jsonProtocol() {
    System.setProperty("aws.cborEnabled", "false"); // as LocalKinesis.start() does
  }

  private static KinesisClient kinesis(FaultInjectingHttpClient http) {
    return KinesisClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:1"))
        .region(LocalCredentials.REGION)
        .credentialsProvider(LocalCredentials.provider())
        .httpClient(http)
        .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()))
        .build();
  }

  private static List<PutRecordsRequestEntry> entries(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                PutRecordsRequestEntry.builder()
                    .partitionKey("k" + i)
                    .data(SdkBytes.fromUtf8String("row " + i))
                    .build())
        .toList();
  }

  @Test
  void throttledEntriesNeverReachTheServerAndFailAtTheirIndex() throws Exception {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=0.3,seed=2"));
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {

      PutRecordsResponse r = client.putRecords(b -> b.streamName("orders").records(entries(50)));

      List<String> failed = new ArrayList<>();
      List<String> written = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        PutRecordsResultEntry e = r.records().get(i);
        if (e.errorCode() != null) {
          assertThat(e.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
          assertThat(e.errorMessage()).contains("Rate exceeded for shard", "stream orders");
          assertThat(e.sequenceNumber()).isNull();
          failed.add("k" + i);
        } else {
          assertThat(e.sequenceNumber()).isEqualTo("seq-k" + i); // the server's answer, in place
          written.add("k" + i);
        }
      }
      assertThat(r.failedRecordCount()).isEqualTo(failed.size());
      assertThat(failed).hasSizeBetween(5, 25);
      assertThat(server.putRecordsKeys).containsExactly(written);
      assertThat(faults.counts().throttledEntries()).isEqualTo(failed.size());
      assertThat(faults.counts().putRecordsEntries()).isEqualTo(50);
      assertThat(faults.counts().putRecordsCalls()).isEqualTo(1);

      // The forwarded request is consistent: its length and payload hash match its body.
      byte[] body = server.bodies.get(0);
      assertThat(server.contentLengths.get(0)).isEqualTo(Integer.toString(body.length));
      assertThat(server.payloadHashes.get(0))
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
      assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"StreamName\":\"orders\"");
    }
  }

  @Test
  void serverFailuresOfForwardedEntriesAddUpWithThrottledOnes() {
    StubKinesisHttp server = new StubKinesisHttp();
    server.failWith = "InternalFailure";
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=0.5,seed=8"));
    List<PutRecordsRequestEntry> entries = new ArrayList<>(entries(20));
    for (int i = 0; i < 20; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("fail")
              .data(SdkBytes.fromUtf8String("x"))
              .build());
    }
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {

      PutRecordsResponse r = client.putRecords(b -> b.streamName("s").records(entries));

      long internal =
          r.records().stream().filter(e -> "InternalFailure".equals(e.errorCode())).count();
      long throttled =
          r.records().stream()
              .filter(e -> "ProvisionedThroughputExceededException".equals(e.errorCode()))
              .count();
      assertThat(internal).isPositive();
      assertThat(r.failedRecordCount()).isEqualTo((int) (internal + throttled));
      assertThat(throttled).isEqualTo(faults.counts().throttledEntries());
    }
  }

  @Test
  void whenEveryEntryIsThrottledNothingIsSent() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=1"));
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {

      PutRecordsResponse r = client.putRecords(b -> b.streamName("s").records(entries(7)));

      assertThat(r.failedRecordCount()).isEqualTo(7);
      assertThat(r.records())
          .extracting(PutRecordsResultEntry::errorCode)
          .containsOnly("ProvisionedThroughputExceededException");
      assertThat(server.targets).isEmpty();
      assertThat(faults.counts().throttledEntries()).isEqualTo(7);
    }
  }

  @Test
  void theSdkChecksTheCrcOfKinesisAnswersAndAcceptsTheRecomputedOne() {
    // Without recomputing x-amz-crc32 the SDK would reject every rewritten answer:
    StubKinesisHttp lying = new StubKinesisHttp();
    lying.wrongCrc = 12345L;
    try (FaultInjectingHttpClient http = FaultInjector.of(FaultPlan.none()).httpClient(lying);
        KinesisClient client = kinesis(http)) {
      Throwable t =
          catchThrowableOfType(
              SdkClientException.class,
              () -> client.putRecords(b -> b.streamName("s").records(entries(3))));
      assertThat(t).isInstanceOf(Crc32MismatchException.class);
    }
    // ... and the rewritten answer passes the check (the stub's header is right for its body).
    StubKinesisHttp server = new StubKinesisHttp();
    try (FaultInjectingHttpClient http =
            FaultInjector.of(FaultPlan.parse("throttle=0.5,seed=4")).httpClient(server);
        KinesisClient client = kinesis(http)) {
      PutRecordsResponse r = client.putRecords(b -> b.streamName("s").records(entries(30)));
      assertThat(r.failedRecordCount()).isBetween(1, 29);
    }
  }

  @Test
  void requestsOverTheKinesisLimitsReachTheServerWhole() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=0.5"));
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {

      client.putRecords(b -> b.streamName("s").records(entries(501)));
      String longKey = "x".repeat(257);
      client.putRecords(
          b ->
              b.streamName("s")
                  .records(
                      PutRecordsRequestEntry.builder()
                          .partitionKey(longKey)
                          .data(SdkBytes.fromUtf8String("a"))
                          .build(),
                      entries(3).get(0)));

      assertThat(server.putRecordsKeys.get(0)).hasSize(501);
      assertThat(server.putRecordsKeys.get(1)).hasSize(2);
      assertThat(faults.counts().throttledEntries()).isZero();
    }
  }

  @Test
  void callErrorsAnswer500InternalFailureWithoutSending() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("errors=1"));
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {

      KinesisException e =
          catchThrowableOfType(
              KinesisException.class,
              () -> client.putRecords(b -> b.streamName("s").records(entries(2))));

      assertThat(e.statusCode()).isEqualTo(500);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
      assertThat(e.requestId()).isNotBlank();
      assertThat(server.targets).isEmpty();
      assertThat(faults.counts().callErrors()).isEqualTo(1);
    }
  }

  @Test
  void resetsAndTimeoutsBeforeSendNeverReachTheServerAfterSendDo() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector before =
        FaultInjector.of(FaultPlan.parse("resets=0.5,timeouts=0.5,after-send=0"));
    try (FaultInjectingHttpClient http = before.httpClient(server);
        KinesisClient client = kinesis(http)) {
      for (int i = 0; i < 20; i++) {
        SdkClientException e =
            catchThrowableOfType(
                SdkClientException.class,
                () -> client.putRecords(b -> b.streamName("s").records(entries(1))));
        assertThat(e.getCause())
            .isInstanceOfAny(SocketException.class, SocketTimeoutException.class);
      }
    }
    assertThat(server.targets).isEmpty();
    assertThat(
            before.counts().get(FaultKind.RESET_BEFORE_SEND)
                + before.counts().get(FaultKind.TIMEOUT_BEFORE_SEND))
        .isEqualTo(20);

    StubKinesisHttp server2 = new StubKinesisHttp();
    FaultInjector after = FaultInjector.of(FaultPlan.parse("timeouts=1,after-send=1"));
    try (FaultInjectingHttpClient http = after.httpClient(server2);
        KinesisClient client = kinesis(http)) {
      SdkClientException e =
          catchThrowableOfType(
              SdkClientException.class,
              () -> client.putRecords(b -> b.streamName("s").records(entries(1))));
      assertThat(e.getCause())
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessage("Read timed out");
    }
    assertThat(server2.targets).containsExactly("PutRecords");
    assertThat(after.counts().get(FaultKind.TIMEOUT_AFTER_SEND)).isEqualTo(1);
  }

  @Test
  void otherKinesisCallsPassThroughUntouched() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("errors=0.5,resets=0.5,throttle=1"));
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {
      for (int i = 0; i < 20; i++) {
        client.listShards(b -> b.streamName("s"));
        client.describeStreamSummary(b -> b.streamName("s"));
        client.getRecords(b -> b.shardIterator("it"));
      }
    }
    assertThat(server.targets).hasSize(60);
    assertThat(faults.counts().total()).isZero();
    assertThat(faults.counts().putRecordsCalls()).isZero();
  }

  @Test
  void sameSeedForwardsTheSameEntries() {
    List<List<String>> first = forwarded(7);
    assertThat(forwarded(7)).isEqualTo(first);
    assertThat(forwarded(8)).isNotEqualTo(first);
  }

  private static List<List<String>> forwarded(long seed) {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults =
        FaultInjector.of(FaultPlan.builder().throttle(0.2).errors(0.1).seed(seed).build());
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {
      for (int i = 0; i < 10; i++) {
        try {
          client.putRecords(b -> b.streamName("s").records(entries(40)));
        } catch (KinesisException expected) {
          server.putRecordsKeys.add(List.of("500"));
        }
      }
    }
    return server.putRecordsKeys;
  }

  @Test
  void concurrentCallersGetConsistentFaultsAndCounts() throws Exception {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults =
        FaultInjector.of(FaultPlan.parse("throttle=0.2,errors=0.05,resets=0.05,seed=13"));
    AtomicLong throttledSeen = new AtomicLong();
    AtomicLong errorsSeen = new AtomicLong();
    AtomicLong resetsSeen = new AtomicLong();
    int threads = 8;
    int callsEach = 25;
    try (FaultInjectingHttpClient http = faults.httpClient(server);
        KinesisClient client = kinesis(http)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < callsEach; i++) {
                    try {
                      PutRecordsResponse r =
                          client.putRecords(b -> b.streamName("s").records(entries(50)));
                      throttledSeen.addAndGet(r.failedRecordCount());
                    } catch (KinesisException e) {
                      assertThat(e.statusCode()).isEqualTo(500);
                      errorsSeen.incrementAndGet();
                    } catch (SdkClientException e) {
                      assertThat(e.getCause()).isInstanceOf(SocketException.class);
                      resetsSeen.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }

    FaultCounts c = faults.counts();
    assertThat(c.putRecordsCalls()).isEqualTo(threads * callsEach);
    assertThat(c.throttledEntries()).isEqualTo(throttledSeen.get()).isPositive();
    assertThat(c.callErrors()).isEqualTo(errorsSeen.get()).isPositive();
    assertThat(c.resets()).isEqualTo(resetsSeen.get()).isPositive();
    long reachedServer = server.putRecordsKeys.stream().mapToLong(List::size).sum();
    // Entries lost to throttling or to whole calls that never reached the server are the only
    // ones missing; entries of calls reset after send did reach it.
    long callsNotSent = c.callErrors() + c.get(FaultKind.RESET_BEFORE_SEND);
    assertThat(reachedServer)
        .isEqualTo(c.putRecordsEntries() - c.throttledEntries() - 50 * callsNotSent);
  }

  @Test
  void throttlingRefusesCborClearlyInsteadOfSendingUnthrottled() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=0.2"));
    KinesisClient cbor;
    FaultInjectingHttpClient http = faults.httpClient(server);
    System.setProperty("aws.cborEnabled", "true");
    try {
      cbor = kinesis(http);
    } finally {
      System.setProperty("aws.cborEnabled", "false");
    }
    try (http;
        cbor) {
      Throwable t =
          catchThrowable(() -> cbor.putRecords(b -> b.streamName("s").records(entries(3))));
      assertThat(t).hasStackTraceContaining("PutRecords throttling needs the JSON protocol");
    }
    assertThat(server.targets).isEmpty();
  }

  @Test
  void closingTheWrapperClosesTheRealClientAndNamesIt() {
    StubKinesisHttp server = new StubKinesisHttp();
    FaultInjectingHttpClient http = FaultInjector.of(FaultPlan.none()).httpClient(server);
    assertThat(http.clientName()).isEqualTo(server.clientName());
    http.close();
    assertThat(server.closed).isTrue();
  }
}
