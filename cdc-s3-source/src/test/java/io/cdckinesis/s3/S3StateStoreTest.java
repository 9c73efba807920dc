package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Answers real S3 gives and the local server never does (409 ConditionalRequestConflict for
 * conditional writes racing in flight, throttling), from a stub client.
 */
class S3StateStoreTest {

  private static final String ID = "tables/b/dbo/T";
  private static final byte[] CP = "{\"state\":1}".getBytes(StandardCharsets.UTF_8);

  private static S3Exception error(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }

  /** Answers each PutObject with the next planned outcome: an exception, or success. */
  private static final class StubS3 implements S3Client {
    final Deque<S3Exception> outcomes = new ArrayDeque<>();
    final List<PutObjectRequest> puts = new ArrayList<>();

    StubS3(S3Exception... planned) {
      for (S3Exception e : planned) {
        outcomes.add(e == null ? error(0, "none") : e);
      }
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
      puts.add(request);
      S3Exception next = outcomes.poll();
      if (next != null && next.statusCode() != 0) {
        throw next;
      }
      return PutObjectResponse.builder().eTag("\"e\"").build();
    }

    /** What a GetObject of the revision finds: another writer's checkpoint. */
    @Override
    public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
      return ResponseBytes.fromByteArray(
          GetObjectResponse.builder().build(),
          "{\"someone\":\"else\"}".getBytes(StandardCharsets.UTF_8));
    }

    /** No revision is listed: each save is the newest. */
    @Override
    public software.amazon.awssdk.services.s3.model.ListObjectsV2Response listObjectsV2(
        software.amazon.awssdk.services.s3.model.ListObjectsV2Request request) {
      return software.amazon.awssdk.services.s3.model.ListObjectsV2Response.builder().build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }

  private static S3StateStore store(S3Client client) {
    return S3StateStore.builder()
        .client(client)
        .location(S3Location.of("state", "cp"))
        .conflictRetry(3, Duration.ofMillis(1))
        .build();
  }

  @Test
  void aConflictThatClearsIsRetriedAndTheWriteWins() {
    StubS3 s3 = new StubS3(error(409, "ConditionalRequestConflict"), null);
    assertThat(store(s3).save(ID, CP, "4")).contains("5:e");
    assertThat(s3.puts).hasSize(2).allSatisfy(p -> assertThat(p.ifNoneMatch()).isEqualTo("*"));
    assertThat(s3.puts.get(0).key()).isEqualTo(s3.puts.get(1).key());
  }

  @Test
  void aConflictThatEndsInPreconditionFailedIsALostRace() {
    StubS3 s3 =
        new StubS3(error(409, "ConditionalRequestConflict"), error(412, "PreconditionFailed"));
    assertThat(store(s3).save(ID, CP, null)).isEmpty();
    assertThat(s3.puts).hasSize(2);
  }

  @Test
  void aConflictThatLastsIsALostRaceAfterTheConfiguredAttempts() {
    S3Exception conflict = error(409, "ConditionalRequestConflict");
    StubS3 s3 = new StubS3(conflict, conflict, conflict, conflict);
    assertThat(store(s3).save(ID, CP, null)).isEmpty();
    assertThat(s3.puts).hasSize(3);
  }

  @Test
  void throttlingIsARetryableStoreErrorNamingTheKey() {
    StubS3 s3 = new StubS3(error(503, "SlowDown"));
    assertThatThrownBy(() -> store(s3).save(ID, CP, "1"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("PutObject s3://state/cp/")
        .hasMessageContaining("SlowDown (HTTP 503")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isTrue());
  }

  @Test
  void accessDeniedIsNotRetryable() {
    StubS3 s3 = new StubS3(error(403, "AccessDenied"));
    assertThatThrownBy(() -> store(s3).save(ID, CP, "1"))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    assertThat(s3.puts).hasSize(1);
  }

  @Test
  void refusesRevisionsItNeverGaveOut() {
    S3StateStore store = store(new StubS3());
    assertThatThrownBy(() -> store.save(ID, CP, "\"etag\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.save(ID, CP, "0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildNeedsAClientAndALocation() {
    assertThatThrownBy(() -> S3StateStore.builder().location(S3Location.of("abc", "")).build())
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> S3StateStore.builder().client(new StubS3()).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("location");
  }
}
