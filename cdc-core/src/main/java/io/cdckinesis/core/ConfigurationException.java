package io.cdckinesis.core;

/** Settings, table definitions or environment variables that are missing or invalid. */
public class ConfigurationException extends CdcException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
