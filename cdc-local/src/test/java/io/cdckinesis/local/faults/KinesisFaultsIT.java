package io.cdckinesis.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdckinesis.local.LocalKinesis;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Kinesis faults through real SDK clients over kinesalite; what is on the stream afterwards. */
class KinesisFaultsIT {

  private static LocalKinesis kinesis;

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
  }

  @AfterAll
  static void stop() {
    kinesis.close();
  }

  private static KinesisClient client(FaultInjectingHttpClient http, boolean sdkRetries) {
    return kinesis
        .clientBuilder()
        .httpClient(http)
        .overrideConfiguration(
            o -> {
              if (!sdkRetries) {
                o.retryStrategy(DefaultRetryStrategy.doNotRetry());
              }
            })
        .build();
  }

  private static List<PutRecordsRequestEntry> rows(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                PutRecordsRequestEntry.builder()
                    .partitionKey("key-" + i)
                    .data(SdkBytes.fromUtf8String("row-" + i))
                    .build())
        .toList();
  }

  /** Every record on the stream (read with a client without faults), by its data. */
  private static List<Record> readAll(String stream) {
    KinesisClient c = kinesis.client();
    List<Record> all = new ArrayList<>();
    for (Shard shard : c.listShards(b -> b.streamName(stream)).shards()) {
      String it =
          c.getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (it != null) {
        String current = it;
        GetRecordsResponse r = c.getRecords(b -> b.shardIterator(current));
        all.addAll(r.records());
        it = r.records().isEmpty() ? null : r.nextShardIterator();
      }
    }
    return all;
  }

  private static List<String> data(List<Record> records) {
    return records.stream().map(r -> r.data().asUtf8String()).toList();
  }

  @Test
  void throttledEntriesFailWithTheirCodeAndAreNotOnTheStream() {
    kinesis.createStream("throttle", 2);
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=0.2,seed=21"));
    PutRecordsResponse r;
    try (FaultInjectingHttpClient http = faults.httpClient();
        KinesisClient client = client(http, true)) {
      r = client.putRecords(b -> b.streamName("throttle").records(rows(500)));
    }

    Set<String> failed = new HashSet<>();
    Map<String, PutRecordsResultEntry> written = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      PutRecordsResultEntry e = r.records().get(i);
      if (e.errorCode() != null) {
        assertThat(e.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(e.errorMessage()).startsWith("Rate exceeded for shard");
        failed.add("row-" + i);
      } else {
        written.put("row-" + i, e);
      }
    }
    assertThat(r.failedRecordCount()).isEqualTo(failed.size()).isBetween(70, 130); // ~20% of 500

    List<Record> onStream = readAll("throttle");
    assertThat(data(onStream)).containsExactlyInAnyOrderElementsOf(written.keySet());
    assertThat(data(onStream)).doesNotContainAnyElementsOf(failed);
    // Each answer the SDK saw is the server's answer for that very entry.
    for (Record rec : onStream) {
      PutRecordsResultEntry answer = written.get(rec.data().asUtf8String());
      assertThat(answer.sequenceNumber()).isEqualTo(rec.sequenceNumber());
    }
    assertThat(faults.counts().throttledEntries()).isEqualTo(failed.size());
    assertThat(faults.counts().putRecordsEntries()).isEqualTo(500);
  }

  @Test
  void callErrorsReachTheSdkAs500InternalFailureAndWriteNothing() {
    kinesis.createStream("errors", 1);
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("errors=1"));
    KinesisException e;
    try (FaultInjectingHttpClient http = faults.httpClient();
        KinesisClient client = client(http, true)) {
      e =
          catchThrowableOfType(
              KinesisException.class,
              () -> client.putRecords(b -> b.streamName("errors").records(rows(10))));
    }

    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
    assertThat(e.numAttempts()).isGreaterThan(1); // the SDK retried the 500s, as with AWS
    assertThat(faults.counts().callErrors()).isEqualTo(e.numAttempts().longValue());
    assertThat(readAll("errors")).isEmpty();
  }

  @Test
  void aResetAfterSendWritesTheRecordsYetTheClientSeesAFailure() {
    kinesis.createStream("reset-after", 1);
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("resets=1,after-send=1"));
    SdkClientException e;
    try (FaultInjectingHttpClient http = faults.httpClient();
        KinesisClient client = client(http, false)) {
      e =
          catchThrowableOfType(
              SdkClientException.class,
              () -> client.putRecords(b -> b.streamName("reset-after").records(rows(5))));
    }

    assertThat(e.getCause()).isInstanceOf(SocketException.class).hasMessage("Connection reset");
    assertThat(data(readAll("reset-after")))
        .containsExactlyInAnyOrder("row-0", "row-1", "row-2", "row-3", "row-4");
    assertThat(faults.counts().get(FaultKind.RESET_AFTER_SEND)).isEqualTo(1);
    assertThat(faults.counts().get(FaultKind.RESET_BEFORE_SEND)).isZero();
  }

  @Test
  void theSdksOwnRetriesAfterResetsAfterSendWriteDuplicates() {
    kinesis.createStream("duplicates", 1);
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("resets=1,after-send=1"));
    SdkClientException e;
    try (FaultInjectingHttpClient http = faults.httpClient();
        KinesisClient client = client(http, true)) {
      e =
          catchThrowableOfType(
              SdkClientException.class,
              () -> client.putRecords(b -> b.streamName("duplicates").records(rows(1))));
    }

    assertThat(e.numAttempts()).isGreaterThan(1);
    assertThat(data(readAll("duplicates"))).hasSize(e.numAttempts()).containsOnly("row-0");
    assertThat(faults.counts().get(FaultKind.RESET_AFTER_SEND))
        .isEqualTo(e.numAttempts().longValue());
  }

  @Test
  void resetsAndTimeoutsBeforeSendWriteNothing() {
    kinesis.createStream("before", 1);
    FaultInjector faults =
        FaultInjector.of(FaultPlan.parse("resets=0.5,timeouts=0.5,after-send=0,seed=5"));
    try (FaultInjectingHttpClient http = faults.httpClient();
        KinesisClient client = client(http, false)) {
      for (int i = 0; i < 10; i++) {
        catchThrowableOfType(
            SdkClientException.class,
            () -> client.putRecords(b -> b.streamName("before").records(rows(3))));
      }
    }

    assertThat(readAll("before")).isEmpty();
    assertThat(faults.counts().resets() + faults.counts().timeouts()).isEqualTo(10);
    assertThat(faults.counts().resets()).isPositive();
    assertThat(faults.counts().timeouts()).isPositive();
  }

  @Test
  void aTimeoutAfterSendWritesTheRecords() {
    kinesis.createStream("timeout-after", 1);
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("timeouts=1,after-send=1"));
    try (FaultInjectingHttpClient http = faults.httpClient();
        KinesisClient client = client(http, false)) {
      catchThrowableOfType(
          SdkClientException.class,
          () -> client.putRecords(b -> b.streamName("timeout-after").records(rows(2))));
      // The stream's other calls are never hit, whatever the rates.
      assertThat(client.listShards(b -> b.streamName("timeout-after")).shards()).hasSize(1);
    }

    assertThat(data(readAll("timeout-after"))).containsExactlyInAnyOrder("row-0", "row-1");
    assertThat(faults.counts().get(FaultKind.TIMEOUT_AFTER_SEND)).isEqualTo(1);
  }
}
