package io.cdckinesis.s3;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.s3.internal.ETags;
import io.cdckinesis.s3.internal.ObjectGets;
import io.cdckinesis.s3.internal.ResumingObjectInputStream;
import io.cdckinesis.s3.internal.S3Errors;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Streams S3 objects, from the beginning or from a byte offset, pinned to one version of the object
 * and resumed transparently when a connection breaks mid-object.
 *
 * <pre>{@code
 * S3ObjectSource source = S3ObjectSource.builder().client(s3).build();
 * try (S3ObjectStream in = source.open(ref, checkpoint.progress().nextByteOffset(), checkpoint.objectVersion());
 *     DmsFileReader file = reader.resume(ref.uri(), key, in, checkpoint.progress(), in.positioned())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Version pinning: the first GET returns the object's ETag (and version id on a versioned
 * bucket); every later GET of the same read sends it (If-Match, or the version id), so a resumed
 * read never mixes two versions. A replaced object fails with {@link ObjectChangedException}.
 *
 * <p>Resuming at a byte offset: an uncompressed object is read with {@code Range: bytes=N-}. A gzip
 * object (key ending in {@code .gz}, a gzip Content-Encoding or Content-Type, or gzip magic bytes)
 * cannot be entered mid-stream, so it is read from byte 0 and {@link S3ObjectStream#positioned()}
 * says so. Thread-safe; never builds or closes the client it was given.
 */
public final class S3ObjectSource {

  private final ObjectGets gets;
  private final RetryConfig retryConfig;

  private S3ObjectSource(Builder b) {
    this.gets = new ObjectGets(b.client);
    this.retryConfig =
        RetryConfig.custom()
            .maxAttempts(b.maxReopenAttempts)
            .intervalFunction(
                IntervalFunction.ofExponentialRandomBackoff(
                    b.initialBackoff, 2.0, 0.5, b.maxBackoff))
            .retryOnException(ResumingObjectInputStream::reopenHelps)
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Opens the object from {@code fromByte} (0 for the whole object), whatever its version. */
  public S3ObjectStream open(S3ObjectRef ref, long fromByte) {
    return open(ref, fromByte, null);
  }

  /**
   * Opens the object from {@code fromByte}, requiring its ETag to be {@code expectedETag} (for
   * example the version a checkpoint was taken on; quoted or not). {@code null}: any version.
   *
   * @throws ObjectChangedException when the object's ETag is not {@code expectedETag} any more
   * @throws S3ReadException when the object is missing, unreadable, or shorter than {@code
   *     fromByte}
   */
  public S3ObjectStream open(S3ObjectRef ref, long fromByte, String expectedETag) {
    Objects.requireNonNull(ref, "ref");
    if (fromByte < 0) {
      throw new IllegalArgumentException("negative start byte " + fromByte + " for " + ref);
    }
    ObjectGets.Pin pin = new ObjectGets.Pin(ref.versionId(), ETags.quoted(expectedETag));
    if (fromByte == 0 || gzipByName(ref.key())) {
      return whole(ref, pin, fromByte == 0);
    }
    Probe probe = probe(ref, pin);
    if (probe.gzip()) {
      return whole(ref, probe.pin(), false);
    }
    long size = probe.metadata().size();
    if (fromByte > size) {
      throw new S3ReadException(
          "Cannot resume "
              + ref
              + " at byte "
              + fromByte
              + ": the object has only "
              + size
              + " bytes (the offset belongs to another version of it)",
          null,
          false);
    }
    ResponseInputStream<GetObjectResponse> response =
        fromByte == size ? null : gets.get(ref, probe.pin(), fromByte, null);
    return stream(ref, probe.metadata(), probe.pin(), response, fromByte, true);
  }

  private S3ObjectStream whole(S3ObjectRef ref, ObjectGets.Pin pin, boolean positioned) {
    ResponseInputStream<GetObjectResponse> response = gets.get(ref, pin, 0, null);
    S3ObjectMetadata metadata;
    try {
      metadata = ObjectGets.metadata(ref, response.response());
    } catch (RuntimeException e) {
      response.abort();
      throw e;
    }
    return stream(ref, metadata, pin.with(metadata), response, 0, positioned);
  }

  private S3ObjectStream stream(
      S3ObjectRef ref,
      S3ObjectMetadata metadata,
      ObjectGets.Pin pin,
      ResponseInputStream<GetObjectResponse> response,
      long start,
      boolean positioned) {
    Retry retry = Retry.of("s3-read", retryConfig);
    InputStream in =
        new ResumingObjectInputStream(gets, ref, pin, response, start, metadata.size(), retry);
    return new S3ObjectStream(ref, metadata, start, positioned, in);
  }

  private record Probe(S3ObjectMetadata metadata, ObjectGets.Pin pin, boolean gzip) {}

  /**
   * Reads the first two bytes: they tell gzip apart (magic bytes 1f 8b, whatever the key says), and
   * the response gives the size and the version to pin the ranged read to.
   */
  private Probe probe(S3ObjectRef ref, ObjectGets.Pin pin) {
    ResponseInputStream<GetObjectResponse> head;
    try {
      head = gets.get(ref, pin, 0, 1L);
    } catch (S3ReadException e) {
      if (S3Errors.isInvalidRange(e.getCause())) {
        // Only an empty object has no byte 0.
        throw new S3ReadException(
            "Cannot resume " + ref + " past byte 0: the object is empty", e, false);
      }
      throw e;
    }
    try (head) {
      S3ObjectMetadata metadata = ObjectGets.metadata(ref, head.response());
      byte[] magic = head.readNBytes(2);
      boolean gzip =
          gzipByHeaders(metadata)
              || (magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b);
      if (head.read() >= 0) {
        head.abort(); // the server ignored the range; do not drain the object
      }
      return new Probe(metadata, pin.with(metadata), gzip);
    } catch (IOException e) {
      throw S3Errors.readFailure("Reading the first bytes of", ref.toString(), e);
    }
  }

  static boolean gzipByName(String key) {
    return key.toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  static boolean gzipByHeaders(S3ObjectMetadata m) {
    String encoding =
        m.contentEncoding() == null ? "" : m.contentEncoding().toLowerCase(Locale.ROOT);
    String type = m.contentType() == null ? "" : m.contentType().toLowerCase(Locale.ROOT);
    return encoding.contains("gzip")
        || type.startsWith("application/gzip")
        || type.startsWith("application/x-gzip");
  }

  /**
   * Builds an {@link S3ObjectSource}. Defaults: 5 re-opens per failure, backoff from 200 ms
   * doubling (with jitter) up to 5 s.
   */
  public static final class Builder {
    private S3Client client;
    private int maxReopenAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);

    private Builder() {}

    /** The client to read with (required); the source never closes it. */
    public Builder client(S3Client client) {
      this.client = client;
      return this;
    }

    /** How many ranged re-opens to try when a read fails mid-object, before giving up. */
    public Builder maxReopenAttempts(int attempts) {
      this.maxReopenAttempts = attempts;
      return this;
    }

    /** The wait before the first re-open; later waits double, with jitter, up to the maximum. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    public S3ObjectSource build() {
      if (client == null) {
        throw new ConfigurationException("S3ObjectSource needs an S3Client");
      }
      if (maxReopenAttempts < 1) {
        throw new ConfigurationException("maxReopenAttempts must be at least 1");
      }
      if (initialBackoff.isNegative()
          || initialBackoff.isZero()
          || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new ConfigurationException(
            "backoff needs 0 < initial <= max, got " + initialBackoff + " and " + maxBackoff);
      }
      return new S3ObjectSource(this);
    }
  }
}
