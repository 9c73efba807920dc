package io.cdckinesis.kinesis.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KmsDisabledException;
import software.amazon.awssdk.services.kinesis.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kinesis.model.KmsNotFoundException;
import software.amazon.awssdk.services.kinesis.model.KmsOptInRequiredException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

/**
 * Sorts Kinesis failures into those a later attempt can fix (throttling, service faults, network
 * faults) and those it cannot (permissions, KMS key state, a missing stream, an invalid request).
 */
public final class KinesisErrors {

  /** What a failure means for the next attempt. */
  public enum Kind {
    /** The shard or account is over its limits: wait and send again. */
    THROTTLED,
    /** A service or network fault: wait and send again. */
    TRANSIENT,
    /** Sending the same request again cannot succeed. */
    FATAL,
    /** The calling thread was interrupted: stop now; the work can be done again later. */
    ABORTED
  }

  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "ProvisionedThroughputExceededException",
          "LimitExceededException",
          "KMSThrottlingException",
          "ThrottlingException",
          "Throttling",
          "TooManyRequestsException",
          "RequestLimitExceeded");

  private static final Set<String> FATAL_CODES =
      Set.of(
          "AccessDeniedException",
          "KMSAccessDeniedException",
          "KMSDisabledException",
          "KMSNotFoundException",
          "KMSInvalidStateException",
          "KMSOptInRequired",
          "ResourceNotFoundException",
          "InvalidArgumentException",
          "ValidationException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "IncompleteSignature",
          "MissingAuthenticationToken",
          "InvalidClientTokenId",
          "ExpiredTokenException",
          "AccessDenied");

  private KinesisErrors() {}

  /**
   * Classifies a PutRecords result entry's error code. Unknown codes count as transient: a bounded
   * number of attempts is cheaper than failing on a code this library has not seen yet.
   */
  public static Kind ofErrorCode(String code) {
    if (THROTTLING_CODES.contains(code)) {
      return Kind.THROTTLED;
    }
    if (FATAL_CODES.contains(code)) {
      return Kind.FATAL;
    }
    return Kind.TRANSIENT;
  }

  /** Classifies an exception thrown by a whole call. */
  public static Kind of(Throwable t) {
    if (t instanceof ProvisionedThroughputExceededException
        || t instanceof LimitExceededException
        || t instanceof KmsThrottlingException) {
      return Kind.THROTTLED;
    }
    if (t instanceof AccessDeniedException
        || t instanceof KmsAccessDeniedException
        || t instanceof KmsDisabledException
        || t instanceof KmsNotFoundException
        || t instanceof KmsInvalidStateException
        || t instanceof KmsOptInRequiredException
        || t instanceof ResourceNotFoundException
        || t instanceof InvalidArgumentException
        || t instanceof ValidationException) {
      return Kind.FATAL;
    }
    if (t instanceof InternalFailureException) {
      return Kind.TRANSIENT;
    }
    if (t instanceof AwsServiceException e) {
      return ofServiceException(e);
    }
    if (t instanceof AbortedException) {
      return Kind.ABORTED;
    }
    if (t instanceof ApiCallTimeoutException
        || t instanceof ApiCallAttemptTimeoutException
        || t instanceof RetryableException) {
      return Kind.TRANSIENT;
    }
    if (t instanceof SdkClientException) {
      // IO failures (connection reset, refused, read timeout) retry; the rest (no credentials, no
      // region, a request the client cannot marshal) are configuration problems.
      return causedByIo(t) ? Kind.TRANSIENT : Kind.FATAL;
    }
    return Kind.FATAL;
  }

  /** The error code of a service exception, or the exception's simple class name. */
  public static String codeOf(Throwable t) {
    if (t instanceof AwsServiceException e
        && e.awsErrorDetails() != null
        && e.awsErrorDetails().errorCode() != null) {
      return e.awsErrorDetails().errorCode();
    }
    return t.getClass().getSimpleName();
  }

  private static Kind ofServiceException(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if (e.isThrottlingException() || (code != null && THROTTLING_CODES.contains(code))) {
      return Kind.THROTTLED;
    }
    if (code != null && FATAL_CODES.contains(code)) {
      return Kind.FATAL;
    }
    int status = e.statusCode();
    if (status >= 500 || status == 408 || status == 0) {
      return Kind.TRANSIENT;
    }
    return Kind.FATAL; // other 4xx: the request itself is wrong
  }

  private static boolean causedByIo(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException
          || c instanceof UncheckedIOException
          || c instanceof TimeoutException
          || c instanceof ApiCallAttemptTimeoutException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
