package io.cdckinesis.s3;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.Checkpoint;
import io.cdckinesis.core.spi.CheckpointStore;
import io.cdckinesis.s3.internal.CheckpointJson;
import io.cdckinesis.s3.internal.CheckpointKeys;
import io.cdckinesis.s3.internal.S3Errors;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checkpoints as small JSON objects in S3, one folder per source object, saved with
 * compare-and-set.
 *
 * <p><b>How compare-and-set works.</b> Every save creates a new object for the next revision
 * ({@code revision + 1}) with the conditional write {@code If-None-Match: *}, which S3 performs
 * atomically: of two workers saving on top of the same revision, exactly one creates the object and
 * the other gets 412 Precondition Failed, reported as {@link Optional#empty()}. Saving with a stale
 * revision fails the same way, because its successor exists already. {@link #load} lists the folder
 * (newest revision first, see {@link CheckpointKeys}) and reads the newest. Revision objects are
 * never deleted by the store, so a revision number is never free again; expire old ones with a
 * lifecycle rule on the prefix (see docs/s3.md).
 *
 * <p>Why not overwrite one object with {@code If-Match: <etag>}? S3 honours that atomically too,
 * but the local S3 server used for tests and the demo (s3proxy 4.1.0) checks If-Match and then
 * writes, so two racing writers can both succeed there; If-None-Match is atomic in both. One design
 * that is correct everywhere beats a cheaper one that is correct only in AWS.
 *
 * <p>Revisions are the decimal revision numbers ({@code "1"}, {@code "2"}, ...). Stateless and
 * thread-safe; a new instance over the same location sees the same checkpoints. Never closes the
 * client.
 */
public final class S3CheckpointStore implements CheckpointStore {

  private final S3Client client;
  private final S3Location location;
  private final CheckpointKeys keys;
  private final RetryConfig conflictRetry;

  private S3CheckpointStore(Builder b) {
    this.client = b.client;
    this.location = b.location;
    this.keys = new CheckpointKeys(b.location);
    this.conflictRetry =
        RetryConfig.<Optional<String>>custom()
            .maxAttempts(b.conflictAttempts)
            .intervalFunction(
                IntervalFunction.ofExponentialRandomBackoff(b.conflictBackoff, 2.0, 0.5))
            .retryOnException(S3CheckpointStore::isConflict)
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public S3Location location() {
    return location;
  }

  /** The key prefix under which the checkpoints of {@code objectUri} are kept. */
  public String keyPrefix(String objectUri) {
    return keys.folder(Objects.requireNonNull(objectUri, "objectUri"));
  }

  /** Keys listed per load: the newest revision is among them unless strays crowd the folder. */
  private static final int LIST_WINDOW = 10;

  @Override
  public Optional<Stored> load(String objectUri) {
    Objects.requireNonNull(objectUri, "objectUri");
    String folder = keys.folder(objectUri);
    // A revision listed but gone when read was expired by a lifecycle rule: list again.
    for (int attempt = 0; attempt < 3; attempt++) {
      ListObjectsV2Response listing =
          call(
              "ListObjectsV2",
              folder,
              () ->
                  client.listObjectsV2(
                      b -> b.bucket(location.bucket()).prefix(folder).maxKeys(LIST_WINDOW)));
      // Keys that are not revisions (an upload's temporary name in some S3-compatible stores, a
      // stray object) are skipped; revisions list newest first.
      String key = null;
      long revision = 0;
      for (var object : listing.contents()) {
        long r = CheckpointKeys.revisionOf(object.key());
        if (r >= 1) {
          key = object.key();
          revision = r;
          break;
        }
      }
      if (key == null) {
        if (Boolean.TRUE.equals(listing.isTruncated())) {
          throw new StoreException(
              "s3://"
                  + location.bucket()
                  + "/"
                  + folder
                  + " holds no checkpoint revision among its"
                  + " first "
                  + LIST_WINDOW
                  + " keys",
              null,
              false);
        }
        return Optional.empty();
      }
      String found = key;
      byte[] json;
      try {
        json = client.getObjectAsBytes(b -> b.bucket(location.bucket()).key(found)).asByteArray();
      } catch (SdkException e) {
        if (S3Errors.isNotFound(e)) {
          continue;
        }
        throw S3Errors.storeFailure("GetObject", location.bucket(), key, e);
      }
      Checkpoint checkpoint = decode(json, key);
      if (!checkpoint.objectUri().equals(objectUri)) {
        throw new StoreException(
            "s3://" + location.bucket() + "/" + key + " holds the checkpoint of another object",
            null,
            false);
      }
      return Optional.of(new Stored(checkpoint, Long.toString(revision)));
    }
    throw new StoreException(
        "the newest checkpoint under s3://" + location.bucket() + "/" + folder + " kept vanishing",
        null,
        true);
  }

  @Override
  public Optional<String> save(Checkpoint checkpoint, String expectedRevision) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    long next = expectedRevision == null ? 1 : parseRevision(expectedRevision) + 1;
    String key = keys.key(checkpoint.objectUri(), next);
    byte[] json = CheckpointJson.encode(checkpoint);
    Retry retry = Retry.of("checkpoint-save", conflictRetry);
    try {
      return retry.executeSupplier(() -> create(key, json, next));
    } catch (S3Exception e) {
      if (isConflict(e)) {
        // Another writer is still creating this very revision: it got there first.
        return Optional.empty();
      }
      throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
    }
  }

  private Optional<String> create(String key, byte[] json, long revision) {
    try {
      client.putObject(
          b ->
              b.bucket(location.bucket()).key(key).ifNoneMatch("*").contentType("application/json"),
          RequestBody.fromBytes(json));
      return Optional.of(Long.toString(revision));
    } catch (SdkException e) {
      if (S3Errors.isPreconditionFailed(e)) {
        // Taken: by another writer, or by this very write when S3 stored it but the answer was
        // lost and the SDK sent it again. Only the second case finds its own bytes there.
        return ownWrite(key, json) ? Optional.of(Long.toString(revision)) : Optional.empty();
      }
      if (isConflict(e)) {
        throw (S3Exception) e;
      }
      throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
    }
  }

  /** Whether the revision object at {@code key} holds exactly these bytes. */
  private boolean ownWrite(String key, byte[] json) {
    try {
      byte[] stored =
          client.getObjectAsBytes(b -> b.bucket(location.bucket()).key(key)).asByteArray();
      return java.util.Arrays.equals(stored, json);
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return false;
      }
      throw S3Errors.storeFailure("GetObject", location.bucket(), key, e);
    }
  }

  /**
   * 409 ConditionalRequestConflict: a concurrent conditional write of the same key is in flight.
   */
  private static boolean isConflict(Throwable t) {
    return t instanceof S3Exception e
        && e.statusCode() == 409
        && e.awsErrorDetails() != null
        && "ConditionalRequestConflict".equals(e.awsErrorDetails().errorCode());
  }

  private static long parseRevision(String revision) {
    try {
      long r = Long.parseLong(revision);
      if (r >= 1 && r < Long.MAX_VALUE - 1) {
        return r;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "not a revision of S3CheckpointStore: " + revision + " (pass the one load() returned)");
  }

  private Checkpoint decode(byte[] json, String key) {
    try {
      return CheckpointJson.decode(json);
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          "s3://"
              + location.bucket()
              + "/"
              + key
              + " is not a readable checkpoint: "
              + e.getMessage(),
          e,
          false);
    }
  }

  private <T> T call(String action, String key, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw S3Errors.storeFailure(action, location.bucket(), key, e);
    }
  }

  /**
   * Builds an {@link S3CheckpointStore}. Required: the client and the location. A save that meets a
   * concurrent write of the same revision (409) is tried up to 3 times, 50 ms apart and growing.
   */
  public static final class Builder {
    private S3Client client;
    private S3Location location;
    private int conflictAttempts = 3;
    private Duration conflictBackoff = Duration.ofMillis(50);

    private Builder() {}

    public Builder client(S3Client client) {
      this.client = client;
      return this;
    }

    /** Where checkpoints go, e.g. {@code S3Location.parse("s3://state/checkpoints/")}. */
    public Builder location(S3Location location) {
      this.location = location;
      return this;
    }

    /** Attempts and first wait for a save that meets a concurrent write of the same revision. */
    public Builder conflictRetry(int attempts, Duration backoff) {
      this.conflictAttempts = attempts;
      this.conflictBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public S3CheckpointStore build() {
      if (client == null) {
        throw new ConfigurationException("S3CheckpointStore needs an S3Client");
      }
      if (location == null) {
        throw new ConfigurationException("S3CheckpointStore needs a location (bucket and prefix)");
      }
      if (conflictAttempts < 1 || conflictBackoff.isNegative() || conflictBackoff.isZero()) {
        throw new ConfigurationException(
            "conflictRetry needs attempts >= 1 and a positive backoff");
      }
      return new S3CheckpointStore(this);
    }
  }
}
