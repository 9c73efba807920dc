package io.cdckinesis.core;

/**
 * A source object was replaced (its ETag or version changed) between two reads of it: continuing
 * would mix two versions of the object, so the read stops. Not retryable as such: the new version
 * has to be read from its beginning.
 */
public class ObjectChangedException extends CdcException {

  private final String objectUri;

  public ObjectChangedException(String objectUri, String expected, Throwable cause) {
    super(
        objectUri
            + " changed while it was being read: it no longer matches "
            + expected
            + "; read the new version from its beginning",
        cause,
        false);
    this.objectUri = objectUri;
  }

  /** The object that changed, e.g. {@code s3://bucket/key}. */
  public String objectUri() {
    return objectUri;
  }
}
