package io.cdckinesis.s3.internal;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.s3.S3ReadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * The one place that decides whether an S3 failure is worth retrying and how it is described. Used
 * by the object source and the three stores, so that they agree.
 *
 * <p>Retryable: throttling (503 SlowDown, 429), server errors (5xx), request timeouts, conflicting
 * concurrent requests (409 OperationAborted, ConditionalRequestConflict), expired session tokens
 * (refreshed on the next call) and client-side I/O failures (connection reset, timeouts). Not
 * retryable: access denied, missing bucket or key, invalid requests, and client-side configuration
 * errors (no credentials, no region).
 */
public final class S3Errors {

  /** 4xx error codes that a later attempt can get past. */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "TooManyRequests",
          "RequestTimeout",
          "RequestTimeTooSkewed",
          "OperationAborted",
          "ConditionalRequestConflict",
          "ExpiredToken",
          "TokenRefreshRequired",
          "InternalError",
          "ServiceUnavailable");

  private S3Errors() {}

  /** Whether repeating the failed call, unchanged, may succeed. */
  public static boolean isRetryable(Throwable t) {
    if (t instanceof AwsServiceException e) {
      int status = e.statusCode();
      return status >= 500
          || status == 429
          || e.isThrottlingException()
          || RETRYABLE_CODES.contains(errorCode(e));
    }
    if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    if (t instanceof SdkClientException e) {
      // Network trouble shows as an IOException cause; anything else is configuration.
      return e.retryable() || hasIoCause(e);
    }
    if (t instanceof SdkException e) {
      return e.retryable();
    }
    return t instanceof IOException || t instanceof UncheckedIOException;
  }

  /** Whether S3 answered that a condition (If-Match, If-None-Match) did not hold. */
  public static boolean isPreconditionFailed(Throwable t) {
    return t instanceof AwsServiceException e
        && (e.statusCode() == 412 || "PreconditionFailed".equals(errorCode(e)));
  }

  /** Whether S3 answered that the key (or version) does not exist. */
  public static boolean isNotFound(Throwable t) {
    if (!(t instanceof AwsServiceException e) || t instanceof NoSuchBucketException) {
      return false;
    }
    String code = errorCode(e);
    return "NoSuchKey".equals(code)
        || "NoSuchVersion".equals(code)
        || (e.statusCode() == 404 && !"NoSuchBucket".equals(code));
  }

  /** Whether S3 refused a range beyond the end of the object (416). */
  public static boolean isInvalidRange(Throwable t) {
    return t instanceof AwsServiceException e
        && (e.statusCode() == 416 || "InvalidRange".equals(errorCode(e)));
  }

  /**
   * A short description of a failure, without request payloads: the S3 error code and status, or
   * the client-side exception's type and message.
   */
  public static String describe(Throwable t) {
    if (t instanceof AwsServiceException e) {
      String code = errorCode(e);
      String requestId = e.requestId();
      return (code == null ? "error" : code)
          + " (HTTP "
          + e.statusCode()
          + (requestId == null ? "" : ", request id " + requestId)
          + ")";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /** A store failure for {@code action} on {@code s3://bucket/key}, classified. */
  public static StoreException storeFailure(String action, String bucket, String key, Throwable t) {
    return new StoreException(
        action + " s3://" + bucket + "/" + key + " failed: " + describe(t), t, isRetryable(t));
  }

  /** A read failure on {@code objectUri}, classified. */
  public static S3ReadException readFailure(String action, String objectUri, Throwable t) {
    return new S3ReadException(
        action + " " + objectUri + " failed: " + describe(t), t, isRetryable(t));
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static boolean hasIoCause(Throwable t) {
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
