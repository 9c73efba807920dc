package io.cdckinesis.core;

/**
 * A source object does not exist (any more): deleted after it was listed or announced, e.g. by a
 * truncate, which makes DMS delete the table's folder. Not retryable.
 */
public class ObjectMissingException extends CdcException {

  private final String objectUri;

  public ObjectMissingException(String objectUri, Throwable cause) {
    super(objectUri + " does not exist", cause, false);
    this.objectUri = objectUri;
  }

  /** The missing object, e.g. {@code s3://bucket/key}. */
  public String objectUri() {
    return objectUri;
  }
}
