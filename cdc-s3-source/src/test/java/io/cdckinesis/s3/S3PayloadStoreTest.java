package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.StoreException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Error answers the local server never gives (throttling, access denied), from a stub client. */
class S3PayloadStoreTest {

  private static final class FailingS3 implements S3Client {
    final S3Exception error;
    final AtomicInteger calls = new AtomicInteger();

    FailingS3(int status, String code) {
      error =
          (S3Exception)
              S3Exception.builder()
                  .statusCode(status)
                  .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                  .build();
    }

    @Override
    public <T> T getObject(
        GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
      calls.incrementAndGet();
      throw error;
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }

  @ParameterizedTest(name = "{0} {1} retryable={2}")
  @CsvSource({
    "503, SlowDown, true",
    "500, InternalError, true",
    "400, RequestTimeout, true",
    "403, AccessDenied, false",
    "404, NoSuchBucket, false"
  })
  void getFailuresAreClassified(int status, String code, boolean retryable) {
    FailingS3 s3 = new FailingS3(status, code);
    S3PayloadStore store =
        S3PayloadStore.builder().client(s3).location(S3Location.of("state", "p")).build();
    assertThatThrownBy(() -> store.get("s3://state/p/dbo/T/x.json"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://state/p/dbo/T/x.json")
        .hasMessageContaining(code)
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isEqualTo(retryable));
    assertThat(s3.calls).hasValue(1);
  }

  @Test
  void foreignUrisAreRefusedWithoutCallingS3() {
    FailingS3 s3 = new FailingS3(500, "InternalError");
    S3PayloadStore store =
        S3PayloadStore.builder().client(s3).location(S3Location.of("state", "p")).build();
    assertThatThrownBy(() -> store.get("s3://state/q/x"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("outside this payload store (s3://state/p/)");
    assertThat(s3.calls).hasValue(0);
  }

  @Test
  void buildNeedsAClientAndALocation() {
    assertThatThrownBy(() -> S3PayloadStore.builder().build())
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> S3PayloadStore.builder().client(new FailingS3(500, "x")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("location");
  }
}
