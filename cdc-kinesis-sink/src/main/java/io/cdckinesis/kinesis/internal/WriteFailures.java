package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.KinesisWriteException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Builds the sink's exceptions: they name the stream, the error code, the request id and what to
 * check, never row values.
 */
final class WriteFailures {

  private WriteFailures() {}

  static KinesisWriteException gaveUp(
      StreamRef stream, int entries, int attempts, String code, Throwable cause) {
    return new KinesisWriteException(
        stream.toString(),
        code,
        "gave up writing to stream "
            + stream
            + ": "
            + entries
            + " entries still failed after "
            + attempts
            + " attempts (last error "
            + code
            + "); no record after them is acknowledged",
        cause,
        true);
  }

  static KinesisWriteException deadlinePassed(
      StreamRef stream, long unacknowledged, long throttled, String lastCode) {
    return new KinesisWriteException(
        stream.toString(),
        lastCode,
        "stopped writing to stream "
            + stream
            + " at its deadline with "
            + unacknowledged
            + " records not acknowledged ("
            + throttled
            + " entries throttled so far"
            + (lastCode == null ? "" : ", last error " + lastCode)
            + "); no record after them is acknowledged",
        null,
        true);
  }

  static KinesisWriteException rejectedEntries(StreamRef stream, int entries, String code) {
    return new KinesisWriteException(
        stream.toString(),
        code,
        "PutRecords to stream "
            + stream
            + " rejected "
            + entries
            + " entries with "
            + code
            + "; "
            + hint(code)
            + "; no record after them is acknowledged",
        null,
        false);
  }

  static KinesisWriteException fatal(StreamRef stream, String code, Throwable e, String operation) {
    // Validation messages may quote request values (partition keys hold key values): leave them
    // and the exception out; other service messages name only principals, keys and streams.
    boolean mayQuoteInput =
        "InvalidArgumentException".equals(code) || "ValidationException".equals(code);
    String detail = "";
    if (!mayQuoteInput
        && e instanceof AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorMessage() != null) {
      detail = ": " + s.awsErrorDetails().errorMessage();
    }
    String requestId =
        e instanceof AwsServiceException s ? " (request id " + s.requestId() + ")" : "";
    return new KinesisWriteException(
        stream.toString(),
        code,
        operation
            + " on stream "
            + stream
            + " failed with "
            + code
            + detail
            + requestId
            + "; "
            + hint(code)
            + "; no record after it is acknowledged",
        mayQuoteInput ? null : e,
        false);
  }

  static KinesisWriteException interrupted(StreamRef stream, String what, Throwable cause) {
    return new KinesisWriteException(
        stream.toString(),
        null,
        what + " for stream " + stream + " was interrupted; no record after it is acknowledged",
        cause,
        true);
  }

  private static String hint(String code) {
    if (code == null) {
      return "not retryable";
    }
    if (code.startsWith("KMS")) {
      return "the stream's KMS key cannot be used: check that it exists, is enabled and that the"
          + " writer may use it (kms:GenerateDataKey)";
    }
    return switch (code) {
      case "AccessDeniedException", "AccessDenied" ->
          "the writer lacks permission (it needs kinesis:PutRecords and kinesis:ListShards)";
      case "ResourceNotFoundException" -> "the stream does not exist in this account and region";
      case "InvalidArgumentException", "ValidationException" ->
          "the request is invalid (are the sink's size limits above the stream's?)";
      default -> "retrying cannot help";
    };
  }
}
