package io.cdckinesis.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.s3.S3ReadException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

  static S3Exception s3(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .requestId("REQ1")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage("message of " + code)
                    .build())
            .message("message of " + code)
            .build();
  }

  @ParameterizedTest(name = "{0} {1} retryable={2}")
  @CsvSource({
    "503, SlowDown, true",
    "500, InternalError, true",
    "502, BadGateway, true",
    "429, TooManyRequests, true",
    "400, RequestTimeout, true",
    "400, ExpiredToken, true",
    "409, OperationAborted, true",
    "409, ConditionalRequestConflict, true",
    "403, AccessDenied, false",
    "403, InvalidAccessKeyId, false",
    "404, NoSuchBucket, false",
    "404, NoSuchKey, false",
    "400, InvalidRequest, false",
    "412, PreconditionFailed, false",
    "301, PermanentRedirect, false"
  })
  void classifiesServiceErrorsByStatusAndCode(int status, String code, boolean retryable) {
    assertThat(S3Errors.isRetryable(s3(status, code))).isEqualTo(retryable);
  }

  @Test
  void networkFailuresAreRetryableAndConfigurationIsNot() {
    assertThat(S3Errors.isRetryable(new SocketException("Connection reset"))).isTrue();
    assertThat(
            S3Errors.isRetryable(
                SdkClientException.create(
                    "Unable to execute HTTP request", new SocketTimeoutException())))
        .isTrue();
    assertThat(S3Errors.isRetryable(ApiCallTimeoutException.create(1000))).isTrue();
    assertThat(S3Errors.isRetryable(SdkClientException.create("Unable to load credentials")))
        .isFalse();
    assertThat(S3Errors.isRetryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void recognisesPreconditionNotFoundAndRange() {
    assertThat(S3Errors.isPreconditionFailed(s3(412, "PreconditionFailed"))).isTrue();
    assertThat(S3Errors.isPreconditionFailed(s3(409, "ConditionalRequestConflict"))).isFalse();
    assertThat(S3Errors.isNotFound(NoSuchKeyException.builder().statusCode(404).build())).isTrue();
    assertThat(S3Errors.isNotFound(s3(404, "NoSuchVersion"))).isTrue();
    assertThat(S3Errors.isNotFound(NoSuchBucketException.builder().statusCode(404).build()))
        .isFalse();
    assertThat(S3Errors.isNotFound(s3(404, "NoSuchBucket"))).isFalse();
    assertThat(S3Errors.isInvalidRange(s3(416, "InvalidRange"))).isTrue();
    assertThat(S3Errors.isNotFound(new IOException())).isFalse();
  }

  @Test
  void storeFailuresNameTheObjectAndTheCodeAndKeepTheCause() {
    S3Exception denied = s3(403, "AccessDenied");
    StoreException e = S3Errors.storeFailure("PutObject", "state", "checkpoints/x.json", denied);
    assertThat(e.getMessage())
        .isEqualTo(
            "PutObject s3://state/checkpoints/x.json failed: AccessDenied (HTTP 403, request id REQ1)");
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getCause()).isSameAs(denied);

    StoreException slow = S3Errors.storeFailure("GetObject", "state", "k", s3(503, "SlowDown"));
    assertThat(slow.isRetryable()).isTrue();
  }

  @Test
  void readFailuresDescribeClientSideCauses() {
    S3ReadException e =
        S3Errors.readFailure(
            "Reading",
            "s3://b/k",
            SdkClientException.create(
                "Unable to execute HTTP request", new SocketException("Connection reset")));
    assertThat(e.getMessage())
        .isEqualTo("Reading s3://b/k failed: SdkClientException: Unable to execute HTTP request");
    assertThat(e.isRetryable()).isTrue();
  }
}
