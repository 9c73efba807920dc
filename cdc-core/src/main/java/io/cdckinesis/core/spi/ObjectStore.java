package io.cdckinesis.core.spi;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where DMS files are read from: S3 (S3ObjectStore) or a folder on disk. The producer engine lists
 * a table's folder and reads objects through it.
 */
public interface ObjectStore {

  /**
   * An object as a listing shows it.
   *
   * @param eTag the ETag as the store gives it (quoted for S3)
   * @param lastModified when the object was written (S3 keeps whole seconds)
   */
  record Listed(String key, long size, String eTag, Instant lastModified) {
    public Listed {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(eTag, "eTag");
      Objects.requireNonNull(lastModified, "lastModified");
    }
  }

  /** An object opened for reading. Close it when done. */
  interface Opened extends Closeable {

    /** The bytes, from where {@link #open} was asked to start, or from 0 (see positioned). */
    InputStream stream();

    /**
     * Whether {@link #stream()} starts at the requested byte; false when the store had to give the
     * whole object (gzip), in which case the reader skips rows instead.
     */
    boolean positioned();

    /** The ETag of the version being read. */
    String eTag();
  }

  /** How the object is named in positions and messages, e.g. {@code s3://bucket/key}. */
  String uri(String bucket, String key);

  /**
   * Up to {@code max} objects under {@code prefix} whose keys sort after {@code startAfter} (null:
   * from the first), in key order.
   *
   * @throws io.cdckinesis.core.CdcException when the listing fails (retryable when it may pass)
   */
  List<Listed> list(String bucket, String prefix, String startAfter, int max);

  /**
   * The folders directly below {@code prefix} (each ending with {@code /}), in key order.
   *
   * @throws io.cdckinesis.core.CdcException when the listing fails
   */
  List<String> folders(String bucket, String prefix);

  /**
   * Opens an object from {@code fromByte}, requiring its ETag to be {@code expectedETag} when not
   * null.
   *
   * @throws io.cdckinesis.core.ObjectMissingException when it does not exist
   * @throws io.cdckinesis.core.ObjectChangedException when its ETag is not the expected one
   * @throws io.cdckinesis.core.CdcException when it cannot be read
   */
  Opened open(String bucket, String key, long fromByte, String expectedETag);
}
