package io.cdckinesis.core;

import java.util.Objects;

/**
 * Input that cannot be read: a malformed row or a malformed object. The message names the object,
 * the line and the reason ({@code s3://bucket/dbo/T/LOAD00000001.csv:17: WRONG_FIELD_COUNT ...}).
 * Never retryable: the same bytes fail the same way.
 */
public class BadInputException extends CdcException {

  private final String objectUri;
  private final long line;
  private final BadInputReason reason;
  private final String detail;

  /**
   * @param objectUri the object or file
   * @param line the 1-based line where the problem starts, or 0 for the object as a whole
   * @param reason the kind of problem
   * @param detail a human explanation, never containing row values
   */
  public BadInputException(
      String objectUri, long line, BadInputReason reason, String detail, Throwable cause) {
    super(format(objectUri, line, reason, detail), cause);
    this.objectUri = Objects.requireNonNull(objectUri, "objectUri");
    this.line = line;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = detail;
  }

  public BadInputException(String objectUri, long line, BadInputReason reason, String detail) {
    this(objectUri, line, reason, detail, null);
  }

  public String objectUri() {
    return objectUri;
  }

  /** 1-based line number, or 0 when the problem concerns the whole object. */
  public long line() {
    return line;
  }

  public BadInputReason reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }

  static String format(String objectUri, long line, BadInputReason reason, String detail) {
    StringBuilder sb = new StringBuilder(objectUri);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ").append(reason);
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.toString();
  }
}
