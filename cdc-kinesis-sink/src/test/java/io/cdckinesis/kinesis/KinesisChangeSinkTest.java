package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.testing.FakeTime;
import io.cdckinesis.kinesis.testing.ReadBack;
import io.cdckinesis.kinesis.testing.Rows;
import io.cdckinesis.kinesis.testing.TestKinesis;
import io.cdckinesis.local.sim.StoredRecord;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KmsDisabledException;
import software.amazon.awssdk.services.kinesis.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kinesis.model.KmsNotFoundException;
import software.amazon.awssdk.services.kinesis.model.KmsOptInRequiredException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

class KinesisChangeSinkTest {

  private static final String STREAM = "cdc-stream";
  private static final String PTE = "ProvisionedThroughputExceededException";

  /** A value no message may contain. */
  private static final String SECRET = "Secret-Row-Value-42";

  private final FakeTime time = new FakeTime();
  private final EnvelopeCodec codec = EnvelopeCodec.create();

  private KinesisChangeSink.Builder sink(TestKinesis kinesis, KinesisSinkConfig config) {
    return KinesisChangeSink.builder()
        .client(kinesis.client())
        .streamName(STREAM)
        .config(config)
        .clock(time)
        .sleeper(time)
        .executor(Runnable::run);
  }

  /** Rows for {@code keys} customers, {@code perKey} changes each, interleaved; rows count up. */
  private static List<ChangeRecord> interleaved(int keys, int perKey) {
    List<ChangeRecord> out = new ArrayList<>();
    long row = 1;
    for (int round = 0; round < perKey; round++) {
      for (int k = 0; k < keys; k++) {
        out.add(Rows.customer(k, row++));
      }
    }
    return out;
  }

  private static void assertEveryRowOnceInOrderPerKey(
      TestKinesis kinesis, List<ChangeRecord> written) {
    List<ChangeRecord> back = ReadBack.records(kinesis.stored());
    assertThat(back).containsExactlyInAnyOrderElementsOf(written);
    Map<Object, List<Long>> expected = ReadBack.rowsByKey(written);
    assertThat(ReadBack.rowsByKey(back)).isEqualTo(expected);
  }

  private static String keyOf(PutRecordsRequestEntry e) {
    return e.partitionKey();
  }

  @Test
  void writesEveryRecordOnceKeyedByTableAndPrimaryKey() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 4);
    List<ChangeRecord> rows = interleaved(50, 20);
    try (KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build()) {
      rows.forEach(sink::write);
      sink.flush();
      SinkMetrics m = sink.metrics();
      assertThat(m.recordsWritten()).isEqualTo(1000);
      assertThat(m.kinesisRecordsWritten()).isEqualTo(1000);
      assertThat(m.retriedEntries()).isZero();
      assertThat(m.userRecordsPerKinesisRecord()).isEqualTo(1.0);
      long bytes =
          rows.stream().mapToLong(r -> codec.encode(r).length + PartitionKeys.of(r).length()).sum();
      assertThat(m.bytesWritten()).isEqualTo(bytes);
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    assertThat(kinesis.stored())
        .extracting(StoredRecord::partitionKey)
        .contains("dbo.Customer|0", "dbo.Customer|49");
    // one entry per key per request: 50 keys, 20 changes each -> at least 20 calls, at most 500
    // entries each
    assertThat(kinesis.requests())
        .allSatisfy(r -> assertThat(r.records().size()).isLessThanOrEqualTo(500));
    for (PutRecordsRequest r : kinesis.requests()) {
      assertThat(r.records().stream().map(KinesisChangeSinkTest::keyOf).distinct().count())
          .isEqualTo(r.records().size());
    }
  }

  @Test
  void survivesTwentyPercentThrottledEntriesWithoutLossOrReordering() {
    Random random = new Random(20260101L);
    AtomicInteger injected = new AtomicInteger();
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 4)
            .entryFaults(
                (e, call) -> {
                  if (random.nextDouble() < 0.2) {
                    injected.incrementAndGet();
                    return PTE;
                  }
                  return null;
                });
    List<ChangeRecord> rows = interleaved(300, 10);
    KinesisSinkConfig config = KinesisSinkConfig.builder().maxAttempts(30).build();
    SinkMetrics m;
    try (KinesisChangeSink sink = sink(kinesis, config).build()) {
      rows.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    assertThat(injected.get()).isGreaterThan(400);
    assertThat(m.throttledEntries()).isEqualTo(injected.get());
    assertThat(m.retriedEntries()).isEqualTo(injected.get());
    assertThat(m.failedEntries()).isZero();
    assertThat(m.recordsWritten()).isEqualTo(rows.size());
    assertThat(m.putRecordsCalls()).isEqualTo(kinesis.requests().size());
    // capped exponential backoff with jitter: never above max * (1 + jitter)
    assertThat(time.sleeps()).isNotEmpty();
    assertThat(time.sleeps())
        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(7500)));
  }

  @Test
  void aFailedEntryIsRetriedBeforeLaterRecordsOfItsKeyWhileOtherKeysProceed() {
    // Customer 1's first change fails twice; customers 2 and 3 keep flowing meanwhile.
    AtomicInteger failuresLeft = new AtomicInteger(2);
    String internalFailure = "InternalFailure";
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 2)
            .entryFaults(
                (e, call) ->
                    e.data().asUtf8String().contains("\"source-row\":1,")
                            && failuresLeft.getAndDecrement() > 0
                        ? internalFailure
                        : null);
    List<ChangeRecord> rows = new ArrayList<>();
    long row = 1;
    for (int round = 0; round < 5; round++) {
      for (int id = 1; id <= 3; id++) {
        rows.add(Rows.customer(id, row++));
      }
    }
    KinesisSinkConfig config = KinesisSinkConfig.builder().maxBufferedRecords(1000).build();
    try (KinesisChangeSink sink = sink(kinesis, config).build()) {
      rows.forEach(sink::write);
      sink.flush();
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    List<PutRecordsRequest> requests = kinesis.requests();
    // call 1: first change of each customer; customer 1's fails
    assertThat(requests.get(0).records())
        .extracting(KinesisChangeSinkTest::keyOf)
        .containsExactly("dbo.Customer|1", "dbo.Customer|2", "dbo.Customer|3");
    // call 2: customers 2 and 3 go on; customer 1 waits for its backoff
    assertThat(requests.get(1).records())
        .extracting(KinesisChangeSinkTest::keyOf)
        .containsExactly("dbo.Customer|2", "dbo.Customer|3");
    // customer 1's later changes were never sent before its first one was written
    int firstWritten = -1;
    for (int i = 0; i < requests.size(); i++) {
      for (PutRecordsRequestEntry e : requests.get(i).records()) {
        if (keyOf(e).equals("dbo.Customer|1")) {
          boolean isFirst = e.data().asUtf8String().contains("\"source-row\":1,");
          if (!isFirst) {
            assertThat(firstWritten)
                .as("first change written before call %d", i)
                .isBetween(0, i - 1);
          } else {
            firstWritten = i;
          }
        }
      }
    }
  }

  static Stream<Arguments> transientCallFailures() {
    return Stream.of(
        Arguments.of(
            "500 InternalFailure",
            InternalFailureException.builder()
                .statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").build())
                .build()),
        Arguments.of(
            "503 from an unknown code",
            AwsServiceException.builder()
                .statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").build())
                .build()),
        Arguments.of(
            "whole-call throttling",
            ProvisionedThroughputExceededException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(PTE).build())
                .build()),
        Arguments.of(
            "connection reset",
            SdkClientException.create(
                "Unable to execute HTTP request", new SocketException("Connection reset"))),
        Arguments.of("attempt timeout", ApiCallAttemptTimeoutException.create(2000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transientCallFailures")
  void retriesWholeCallFailuresThenDeliversEverything(String name, RuntimeException fault) {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 2).failNextCalls(fault, fault, fault);
    List<ChangeRecord> rows = interleaved(20, 5);
    SinkMetrics m;
    try (KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build()) {
      rows.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    assertThat(time.sleeps()).hasSize(3);
    assertThat(m.putRecordsCalls()).isEqualTo(kinesis.requests().size());
    assertThat(m.failedEntries()).isZero();
    assertThat(m.retriedEntries()).isEqualTo(3L * kinesis.requests().get(0).records().size());
  }

  private static AwsServiceException service(
      AwsServiceException.Builder b, int status, String code) {
    return b.statusCode(status)
        .requestId("req-1")
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage("User arn:aws:iam::123456789012:role/x is not allowed")
                .build())
        .build();
  }

  static Stream<Arguments> fatalCallFailures() {
    return Stream.of(
        Arguments.of(
            "AccessDeniedException",
            service(AccessDeniedException.builder(), 400, "AccessDeniedException")),
        Arguments.of(
            "ResourceNotFoundException",
            service(ResourceNotFoundException.builder(), 400, "ResourceNotFoundException")),
        Arguments.of(
            "KMSAccessDeniedException",
            service(KmsAccessDeniedException.builder(), 400, "KMSAccessDeniedException")),
        Arguments.of(
            "KMSDisabledException",
            service(KmsDisabledException.builder(), 400, "KMSDisabledException")),
        Arguments.of(
            "KMSNotFoundException",
            service(KmsNotFoundException.builder(), 400, "KMSNotFoundException")),
        Arguments.of(
            "KMSInvalidStateException",
            service(KmsInvalidStateException.builder(), 400, "KMSInvalidStateException")),
        Arguments.of(
            "KMSOptInRequired",
            service(KmsOptInRequiredException.builder(), 400, "KMSOptInRequired")),
        Arguments.of(
            "InvalidArgumentException",
            service(InvalidArgumentException.builder(), 400, "InvalidArgumentException")),
        Arguments.of(
            "ValidationException",
            service(ValidationException.builder(), 400, "ValidationException")),
        Arguments.of(
            "SdkClientException", SdkClientException.create("Unable to load credentials")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fatalCallFailures")
  void failsAtOnceWithAClearMessageOnNonRetryableErrors(String code, RuntimeException fault) {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 1).failNextCalls(fault);
    KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build();
    sink.write(Rows.customer(1, 1, SECRET));

    KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.stream()).isEqualTo(STREAM);
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(e.getMessage()).contains(STREAM, code).doesNotContain(SECRET);
    assertThat(kinesis.requests()).hasSize(1);
    assertThat(time.sleeps()).isEmpty();
    assertThat(sink.metrics().failedEntries()).isEqualTo(1);
    // nothing more is accepted, nothing more is sent
    assertThatThrownBy(() -> sink.write(Rows.customer(2, 2)))
        .isInstanceOf(KinesisWriteException.class)
        .hasMessageContaining("failed earlier");
    assertThatThrownBy(sink::flush).isInstanceOf(KinesisWriteException.class);
    sink.close();
    assertThat(kinesis.requests()).hasSize(1);
  }

  @Test
  void kmsPermissionAndThrottlingMessagesSayWhatToCheck() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 1)
            .failNextCalls(
                service(KmsAccessDeniedException.builder(), 400, "KMSAccessDeniedException"));
    KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build();
    sink.write(Rows.customer(1, 1));
    assertThatThrownBy(sink::flush)
        .hasMessageContaining("KMS key")
        .hasMessageContaining("is not allowed")
        .hasMessageContaining("req-1");
  }

  @Test
  void validationMessagesAreLeftOutBecauseTheyMayQuoteKeyValues() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 1)
            .failNextCalls(
                InvalidArgumentException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder()
                            .errorCode("InvalidArgumentException")
                            .errorMessage("Value 'dbo.Customer|" + SECRET + "' is invalid")
                            .build())
                    .build());
    KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build();
    sink.write(Rows.customer(1, 1));
    KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
    assertThat(e.getMessage()).doesNotContain(SECRET);
    assertThat(e.getCause()).isNull();
  }

  @Test
  void aNonRetryableEntryErrorFailsAtOnce() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 1)
            .entryFaults((e, call) -> call == 1 ? "KMSAccessDeniedException" : null);
    KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build();
    sink.write(Rows.customer(1, 1));
    sink.write(Rows.customer(2, 2));
    KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains(STREAM, "rejected 2 entries", "KMSAccessDeniedException");
    assertThat(kinesis.requests()).hasSize(1);
  }

  @Test
  void givesUpAfterMaxAttemptsOfAFaultAndAcknowledgesNothingAfterThat() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 1)
            .entryFaults((e, call) -> keyOf(e).equals("dbo.Customer|7") ? "InternalFailure" : null);
    KinesisSinkConfig config = KinesisSinkConfig.builder().maxAttempts(4).build();
    KinesisChangeSink sink = sink(kinesis, config).build();
    List<ChangeRecord> rows = interleaved(10, 3);
    rows.forEach(sink::write);

    KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);

    assertThat(e.isRetryable()).isTrue();
    assertThat(e.errorCode()).isEqualTo("InternalFailure");
    assertThat(e.getMessage()).contains(STREAM, "1 entries", "after 4 attempts");
    long attemptsOfKey7 =
        kinesis.requests().stream()
            .flatMap(r -> r.records().stream())
            .filter(x -> keyOf(x).equals("dbo.Customer|7"))
            .count();
    assertThat(attemptsOfKey7).isEqualTo(4);
    assertThat(sink.metrics().failedEntries()).isEqualTo(1);
    assertThat(sink.metrics().throttledEntries()).isZero();
    // the later changes of customer 7 were never sent
    assertThat(ReadBack.records(kinesis.stored())).noneMatch(r -> r.keyValues().get(0).equals(7L));
    int calls = kinesis.requests().size();
    assertThatThrownBy(() -> sink.write(Rows.customer(1, 99)))
        .isInstanceOf(KinesisWriteException.class)
        .satisfies(x -> assertThat(((KinesisWriteException) x).isRetryable()).isTrue());
    assertThatThrownBy(sink::flush).isInstanceOf(KinesisWriteException.class);
    sink.close();
    assertThat(kinesis.requests()).hasSize(calls);
  }

  @Test
  void throttlingIsWaitedOutBeyondMaxAttemptsUntilItStops() {
    // customer 7 is throttled 30 times in a row (maxAttempts is 4): no give-up, nothing lost
    AtomicInteger throttlesLeft = new AtomicInteger(30);
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 1)
            .entryFaults(
                (e, call) ->
                    keyOf(e).equals("dbo.Customer|7") && throttlesLeft.getAndDecrement() > 0
                        ? PTE
                        : null);
    KinesisSinkConfig config = KinesisSinkConfig.builder().maxAttempts(4).build();
    List<ChangeRecord> rows = interleaved(10, 3);
    try (KinesisChangeSink sink = sink(kinesis, config).build()) {
      rows.forEach(sink::write);
      sink.flush();
      assertThat(sink.metrics().throttledEntries()).isEqualTo(30);
      assertThat(sink.metrics().failedEntries()).isZero();
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    // the shard rested after each throttled answer, longer each time in a row, up to the cap
    assertThat(time.sleeps()).hasSizeGreaterThanOrEqualTo(30);
    assertThat(time.sleeps())
        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(7500)));
  }

  @Test
  void throttlingEndsTheSinkRetryablyAtItsDeadline() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 2)
            .entryFaults((e, call) -> keyOf(e).equals("dbo.Customer|7") ? PTE : null);
    KinesisChangeSink sink =
        sink(kinesis, KinesisSinkConfig.defaults()).timeBudget(Duration.ofSeconds(30)).build();
    interleaved(10, 3).forEach(sink::write);
    java.time.Instant start = time.instant();

    KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);

    assertThat(e.isRetryable()).isTrue();
    assertThat(e.errorCode()).isEqualTo(PTE);
    assertThat(e.getMessage()).contains(STREAM, "deadline", "3 records not acknowledged");
    assertThat(time.instant()).isBetween(start.plusSeconds(29), start.plusSeconds(31));
    assertThat(sink.metrics().recordsWritten()).isEqualTo(27);
    assertThat(sink.metrics().throttledEntries()).isGreaterThan(5);
    assertThat(ReadBack.records(kinesis.stored())).noneMatch(r -> r.keyValues().get(0).equals(7L));
    assertThatThrownBy(sink::flush).isInstanceOf(KinesisWriteException.class);
  }

  @Test
  void batchesStayWithinCountAndByteLimits() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 4);
    List<ChangeRecord> rows = new ArrayList<>();
    for (int i = 1; i <= 1200; i++) {
      rows.add(Rows.customer(i, i));
    }
    String big = "x".repeat(600 * 1024);
    for (int i = 1; i <= 20; i++) {
      rows.add(Rows.customer(10_000 + i, 2000 + i, big));
    }
    try (KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build()) {
      rows.forEach(sink::write);
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    for (PutRecordsRequest r : kinesis.requests()) {
      assertThat(r.records()).hasSizeLessThanOrEqualTo(500);
      long bytes =
          r.records().stream()
              .mapToLong(e -> e.data().asByteArrayUnsafe().length + e.partitionKey().length())
              .sum();
      assertThat(bytes).isLessThanOrEqualTo(5L * 1024 * 1024);
    }
    assertThat(kinesis.requests()).anySatisfy(r -> assertThat(r.records()).hasSize(500));
  }

  @Test
  void theRecordLimitCountsThePartitionKey() {
    ChangeRecord probe = Rows.customer(1, 1, "");
    int overhead = codec.encode(probe).length + PartitionKeys.of(probe).length();
    int limit = KinesisSinkConfig.DEFAULT_MAX_RECORD_BYTES;
    ChangeRecord exactlyAtLimit = Rows.customer(1, 1, "y".repeat(limit - overhead));
    ChangeRecord oneByteOver = Rows.customer(2, 2, "y".repeat(limit - overhead + 1));
    assertThat(codec.encode(exactlyAtLimit).length + PartitionKeys.of(exactlyAtLimit).length())
        .isEqualTo(limit);

    TestKinesis kinesis = new TestKinesis(time, STREAM, 1);
    InMemoryStore store = new InMemoryStore();
    try (KinesisChangeSink sink =
        sink(kinesis, KinesisSinkConfig.defaults()).payloadStore(store).build()) {
      sink.write(exactlyAtLimit);
      sink.write(oneByteOver);
      sink.flush();
      assertThat(sink.metrics().oversizeRecords()).isEqualTo(1);
    }
    assertThat(store.names).hasSize(1);
    assertThat(codec.decode(kinesis.stored().get(0).data()))
        .isInstanceOf(io.cdckinesis.core.Envelope.Data.class);
    assertThat(codec.decode(kinesis.stored().get(1).data()))
        .isInstanceOf(io.cdckinesis.core.Envelope.Pointer.class);
  }

  @Test
  void anOversizeRowGoesToThePayloadStoreAndTheStreamGetsAPointer() throws Exception {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 2);
    InMemoryStore store = new InMemoryStore();
    ChangeRecord huge = Rows.customer(5, 9, "z".repeat(1_500_000));
    try (KinesisChangeSink sink =
        sink(kinesis, KinesisSinkConfig.defaults()).payloadStore(store).build()) {
      sink.write(Rows.customer(5, 8));
      sink.write(huge);
      sink.write(Rows.customer(5, 10));
      sink.flush();
      assertThat(sink.metrics().oversizeRecords()).isEqualTo(1);
      assertThat(sink.metrics().recordsWritten()).isEqualTo(3);
    }
    List<StoredRecord> stored = kinesis.stored();
    assertThat(stored).hasSize(3);
    var pointer = (io.cdckinesis.core.Envelope.Pointer) codec.decode(stored.get(1).data());
    assertThat(pointer.position()).isEqualTo(huge.position());
    assertThat(stored.get(1).partitionKey()).isEqualTo("dbo.Customer|5");
    byte[] payload = store.get(pointer.payload().uri());
    assertThat(payload).isEqualTo(codec.encode(huge));
    assertThat(pointer.payload().size()).isEqualTo(payload.length);
    assertThat(pointer.payload().sha256())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload)));
    assertThat(codec.decodeRecord(payload)).isEqualTo(huge);
    // the same row again (a retried file) lands under the same name
    String name = store.names.get(0);
    try (KinesisChangeSink again =
        sink(new TestKinesis(time, STREAM, 1), KinesisSinkConfig.defaults())
            .payloadStore(store)
            .build()) {
      again.write(huge);
    }
    assertThat(store.names).containsExactly(name, name);
    assertThat(name).startsWith("dbo/Customer/").endsWith("-9.json");
  }

  @Test
  void anOversizeRowWithoutAPayloadStoreFailsAtOnceNamingTableAndPosition() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 1);
    KinesisChangeSink sink = sink(kinesis, KinesisSinkConfig.defaults()).build();
    ChangeRecord huge = Rows.customer(5, 9, SECRET + "z".repeat(1_500_000));
    KinesisWriteException e =
        catchThrowableOfType(KinesisWriteException.class, () -> sink.write(huge));
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage())
        .contains("dbo.Customer", Rows.OBJECT + ":10", "no payload store")
        .doesNotContain(SECRET);
    assertThatThrownBy(() -> sink.write(Rows.customer(1, 1)))
        .isInstanceOf(KinesisWriteException.class);
    assertThat(kinesis.requests()).isEmpty();
  }

  @Test
  void aPayloadStoreFailureStopsTheSink() {
    PayloadStore failing =
        new PayloadStore() {
          @Override
          public String put(String name, byte[] payload) {
            throw new StoreException("bucket unreachable", null, true);
          }

          @Override
          public byte[] get(String uri) {
            throw new UnsupportedOperationException();
          }
        };
    KinesisChangeSink sink =
        sink(new TestKinesis(time, STREAM, 1), KinesisSinkConfig.defaults())
            .payloadStore(failing)
            .build();
    sink.write(Rows.customer(1, 1));
    assertThatThrownBy(() -> sink.write(Rows.customer(1, 2, "z".repeat(1_100_000))))
        .isInstanceOf(StoreException.class);
    KinesisWriteException later = catchThrowableOfType(KinesisWriteException.class, sink::flush);
    assertThat(later.isRetryable()).isTrue();
    assertThat(later.getCause()).isInstanceOf(StoreException.class);
  }

  @Test
  void writeSendsFullBatchesAsTheBufferFillsAndFlushSendsTheRest() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 1);
    KinesisSinkConfig config =
        KinesisSinkConfig.builder().maxBatchRecords(100).maxBufferedRecords(100).build();
    KinesisChangeSink sink = sink(kinesis, config).build();
    for (int i = 1; i <= 250; i++) {
      sink.write(Rows.customer(i, i));
    }
    assertThat(kinesis.stored()).hasSize(200);
    sink.flush();
    assertThat(kinesis.stored()).hasSize(250);
    sink.close();
    assertThatThrownBy(() -> sink.write(Rows.customer(1, 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void reportsMetricsAfterEveryCall() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 1).entryFaults((e, call) -> call == 1 ? PTE : null);
    List<SinkMetrics> seen = new ArrayList<>();
    try (KinesisChangeSink sink =
        sink(kinesis, KinesisSinkConfig.defaults()).metricsListener(seen::add).build()) {
      sink.write(Rows.customer(1, 1));
      sink.write(Rows.customer(2, 2));
    }
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).throttledEntries()).isEqualTo(2);
    assertThat(seen.get(0).recordsWritten()).isZero();
    assertThat(seen.get(1))
        .isEqualTo(new SinkMetrics(2, seen.get(1).bytesWritten(), 2, 2, 2, 2, 0, 0, 0, 1));
  }

  @Test
  void anInterruptWhileWaitingToRetryStopsTheSinkRetryably() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 1).entryFaults((e, call) -> PTE);
    KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(kinesis.client())
            .streamName(STREAM)
            .clock(time)
            .sleeper(
                d -> {
                  throw new InterruptedException();
                })
            .build();
    sink.write(Rows.customer(1, 1));
    try {
      KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
      assertThat(e.isRetryable()).isTrue();
      assertThat(e.getMessage()).contains("interrupted", STREAM);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted(); // clear the flag for the next tests
    }
    assertThat(kinesis.requests()).hasSize(1);
  }

  @Test
  void theBuilderNeedsAClientAndExactlyOneStream() {
    TestKinesis k = new TestKinesis(time, STREAM, 1);
    assertThatThrownBy(() -> KinesisChangeSink.builder().streamName("s").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KinesisClient");
    assertThatThrownBy(() -> KinesisChangeSink.builder().client(k.client()).build())
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(
            () ->
                KinesisChangeSink.builder()
                    .client(k.client())
                    .streamName("s")
                    .streamArn("arn")
                    .build())
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void writesByStreamArnWhenGivenOne() {
    TestKinesis kinesis = new TestKinesis(time, "cdc", 1);
    String arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/cdc";
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder().client(kinesis.client()).streamArn(arn).build()) {
      sink.write(Rows.customer(1, 1));
    }
    assertThat(kinesis.requests().get(0).streamARN()).isEqualTo(arn);
    assertThat(kinesis.requests().get(0).streamName()).isNull();
  }

  /** Records every name it is asked to store. */
  static final class InMemoryStore implements PayloadStore {
    final List<String> names = new ArrayList<>();
    final Map<String, byte[]> byUri = new HashMap<>();

    @Override
    public String put(String name, byte[] payload) {
      names.add(name);
      byUri.put("mem://" + name, payload.clone());
      return "mem://" + name;
    }

    @Override
    public byte[] get(String uri) {
      return byUri.get(uri).clone();
    }
  }
}
