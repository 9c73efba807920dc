package io.cdckinesis.core;

import java.util.Objects;

/**
 * A row that could not be turned into a change record, kept so that nothing is silently lost: the
 * object, where it is, why it was rejected and its raw text (which may contain row values, so it
 * goes to the rejects store, never to logs).
 *
 * @param row the 1-based row number within the object (header not counted), 0 when the problem is
 *     the object as a whole
 * @param line the 1-based line the row starts on, 0 when unknown
 * @param rawText the row's text as read, or the empty string when it could not be decoded
 */
public record RejectedRow(
    String objectUri, long row, long line, BadInputReason reason, String message, String rawText) {

  public RejectedRow {
    Objects.requireNonNull(objectUri, "objectUri");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    rawText = rawText == null ? "" : rawText;
  }

  /** The rejected row as an exception, for callers that fail on the first bad row. */
  public BadInputException toException() {
    return new BadInputException(objectUri, line, reason, message);
  }
}
