package io.cdckinesis.core;

/**
 * An object key or path that is not a DMS CSV data file in the expected layout (wrong folder depth,
 * unknown file name, another data format). Adapters ignore such objects with a log line; the CLI
 * reports them.
 */
public class NotDmsObjectException extends CdcException {

  private final String key;

  public NotDmsObjectException(String key, String reason) {
    super(key + ": not a DMS data file: " + reason);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
