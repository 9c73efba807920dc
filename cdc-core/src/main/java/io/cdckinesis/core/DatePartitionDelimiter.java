package io.cdckinesis.core;

/** DMS {@code DatePartitionDelimiter}: what separates the date parts. SLASH makes each a folder. */
public enum DatePartitionDelimiter {
  SLASH("/"),
  DASH("-"),
  UNDERSCORE("_"),
  NONE("");

  private final String text;

  DatePartitionDelimiter(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
