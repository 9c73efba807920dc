package io.cdckinesis.s3;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.s3.internal.S3Errors;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Oversize records in S3 (a claim check): {@link #put} stores the payload at {@code
 * s3://bucket/prefix/name} and returns that URI for the stream's pointer; {@link #get} reads it
 * back, but only from this store's own bucket and prefix, so a forged or misrouted pointer cannot
 * make a consumer read arbitrary objects.
 *
 * <p>A put overwrites: the same record always gets the same name, so a retried put replaces its
 * earlier copy instead of adding one. Stateless and thread-safe; never closes the client.
 */
public final class S3PayloadStore implements PayloadStore {

  private static final int MAX_KEY_BYTES = 1024;

  private final S3Client client;
  private final S3Location location;
  private final String contentType;

  private S3PayloadStore(Builder b) {
    this.client = b.client;
    this.location = b.location;
    this.contentType = b.contentType;
  }

  public static Builder builder() {
    return new Builder();
  }

  public S3Location location() {
    return location;
  }

  /**
   * Stores {@code payload} under {@code name} (relative to the prefix; may contain {@code /}).
   *
   * @throws IllegalArgumentException when the name is empty, starts with {@code /}, holds control
   *     characters or makes the key too long
   * @throws StoreException when S3 refuses the write (retryable when throttled or unavailable)
   */
  @Override
  public String put(String name, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    String key = keyOf(name);
    try {
      client.putObject(
          b -> b.bucket(location.bucket()).key(key).contentType(contentType),
          RequestBody.fromBytes(payload));
    } catch (SdkException e) {
      throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
    }
    return "s3://" + location.bucket() + "/" + key;
  }

  /**
   * Reads the payload at {@code uri}.
   *
   * @throws StoreException not retryable when the URI is not in this store or the payload is
   *     missing or forbidden; retryable when S3 is throttling or unavailable
   */
  @Override
  public byte[] get(String uri) {
    Objects.requireNonNull(uri, "uri");
    S3ObjectRef ref;
    try {
      ref = S3ObjectRef.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          "payload URI " + uri + " is not an s3://bucket/key URI of this store (" + location + ")",
          e,
          false);
    }
    if (!location.contains(ref)) {
      throw new StoreException(
          "payload URI " + uri + " is outside this payload store (" + location + "); refusing it",
          null,
          false);
    }
    try {
      return client.getObjectAsBytes(b -> b.bucket(ref.bucket()).key(ref.key())).asByteArray();
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        throw new StoreException(
            "payload " + uri + " does not exist (deleted, expired, or never written)", e, false);
      }
      throw S3Errors.storeFailure("GetObject", ref.bucket(), ref.key(), e);
    }
  }

  private String keyOf(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.startsWith("/")) {
      throw new IllegalArgumentException("payload name must be non-empty and relative: " + name);
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException("payload name holds a control character");
      }
    }
    String key = location.key(name);
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "payload key longer than " + MAX_KEY_BYTES + " bytes under " + location);
    }
    return key;
  }

  /** Builds an {@link S3PayloadStore}. Required: client and location. */
  public static final class Builder {
    private S3Client client;
    private S3Location location;
    private String contentType = "application/json";

    private Builder() {}

    public Builder client(S3Client client) {
      this.client = client;
      return this;
    }

    /** Where payloads go, e.g. {@code S3Location.parse("s3://state/payloads/")}. */
    public Builder location(S3Location location) {
      this.location = location;
      return this;
    }

    /** The Content-Type of stored payloads; default {@code application/json} (envelopes). */
    public Builder contentType(String contentType) {
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    public S3PayloadStore build() {
      if (client == null) {
        throw new ConfigurationException("S3PayloadStore needs an S3Client");
      }
      if (location == null) {
        throw new ConfigurationException("S3PayloadStore needs a location (bucket and prefix)");
      }
      return new S3PayloadStore(this);
    }
  }
}
