package io.cdckinesis.dynamodb.internal;

import io.cdckinesis.core.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The one place that decides whether a DynamoDB failure is worth retrying and how it is described.
 * Retryable: throttling, server errors, timeouts and client-side I/O failures. Not retryable: a
 * missing table, access denied, invalid requests and client configuration errors.
 */
public final class DynamoDbErrors {

  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "ProvisionedThroughputExceededException",
          "RequestLimitExceeded",
          "ThrottlingException",
          "InternalServerError",
          "ServiceUnavailable",
          "LimitExceededException",
          "ExpiredTokenException");

  private DynamoDbErrors() {}

  /** Whether repeating the failed call, unchanged, may succeed. */
  public static boolean isRetryable(Throwable t) {
    if (t instanceof AwsServiceException e) {
      return e.statusCode() >= 500
          || e.statusCode() == 429
          || e.isThrottlingException()
          || RETRYABLE_CODES.contains(codeOf(e));
    }
    if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    if (t instanceof SdkClientException e) {
      return e.retryable() || hasIoCause(e);
    }
    if (t instanceof SdkException e) {
      return e.retryable();
    }
    return t instanceof IOException || t instanceof UncheckedIOException;
  }

  /** A store failure for {@code action} on the table, classified and described without values. */
  public static StoreException storeFailure(String action, String table, Throwable t) {
    if (t instanceof ResourceNotFoundException) {
      return new StoreException(
          action
              + " on DynamoDB table "
              + table
              + " failed: the table does not exist (create it, or fix CDC_POSITIONS_TABLE)",
          t,
          false);
    }
    return new StoreException(
        action + " on DynamoDB table " + table + " failed: " + describe(t), t, isRetryable(t));
  }

  private static String describe(Throwable t) {
    if (t instanceof AwsServiceException e) {
      String code = codeOf(e);
      return (code == null ? "error" : code)
          + " (HTTP "
          + e.statusCode()
          + (e.requestId() == null ? "" : ", request id " + e.requestId())
          + ")";
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static String codeOf(AwsServiceException e) {
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
