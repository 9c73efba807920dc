package io.cdckinesis.s3;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.s3.internal.S3Errors;
import io.cdckinesis.s3.internal.StateKeys;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * State documents as small JSON objects in S3, saved with compare-and-set.
 *
 * <p><b>How compare-and-set works.</b> Every save creates a new object for the next revision
 * ({@code revision + 1}) with the conditional write {@code If-None-Match: *}, which S3 performs
 * atomically: of two writers saving on top of the same revision, exactly one creates the object and
 * the other gets 412 Precondition Failed, reported as {@link Optional#empty()}. Saving with a stale
 * revision fails the same way, because its successor exists already. {@link #load} lists the folder
 * (newest revision first, see {@link StateKeys}) and reads the newest. After a save, the revision
 * two before it is deleted: the store keeps its own folder small, so no lifecycle rule is needed on
 * the prefix (an idle table's state is old, not stale). Because a deleted revision could be created
 * again by a writer that is very late, a save also checks that its revision is the newest one after
 * it was created and that the revision it replaced is still there (a document deleted by hand
 * starts again at revision 1, under a writer that must not be overtaken by one from before the
 * deletion), and counts as lost otherwise.
 *
 * <p>Why not overwrite one object with {@code If-Match: <etag>}? S3 honours that atomically too,
 * but the local S3 server used for tests and the demo (s3proxy 4.1.0) checks If-Match and then
 * writes, so two racing writers can both succeed there; If-None-Match is atomic in both.
 *
 * <p>Revisions are the decimal revision numbers with the ETag of their object ({@code "1:<etag>"},
 * {@code "2:<etag>"}, ...; the number alone where S3 gave no ETag). Stateless and thread-safe; a
 * new instance over the same location sees the same documents. Never closes the client.
 */
public final class S3StateStore implements StateStore {

  private static final Logger LOG = LoggerFactory.getLogger(S3StateStore.class);

  /** Keys listed per load: the newest revision is among them unless strays crowd the folder. */
  private static final int LIST_WINDOW = 10;

  /**
   * User metadata of a revision: the ETag of the revision it was saved on, so that a reader can
   * tell a losing revision left behind from the successor of the revision listed before it.
   */
  static final String PREDECESSOR_METADATA = "cdc-predecessor-etag";

  private final S3Client client;
  private final S3Location location;
  private final StateKeys keys;
  private final RetryConfig conflictRetry;

  private S3StateStore(Builder b) {
    this.client = b.client;
    this.location = b.location;
    this.keys = new StateKeys(b.location);
    this.conflictRetry =
        RetryConfig.<Optional<String>>custom()
            .maxAttempts(b.conflictAttempts)
            .intervalFunction(
                IntervalFunction.ofExponentialRandomBackoff(b.conflictBackoff, 2.0, 0.5))
            .retryOnException(S3StateStore::isConflict)
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public S3Location location() {
    return location;
  }

  /** The key prefix under which the revisions of document {@code id} are kept. */
  public String keyPrefix(String id) {
    return keys.folder(StateStore.checkId(id));
  }

  @Override
  public Optional<Stored> load(String id) {
    String folder = keys.folder(StateStore.checkId(id));
    // A revision listed but gone when read was replaced and cleaned up meanwhile: list again.
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<Stored> newest = newest(id, revisions(folder));
      if (newest != null) {
        return newest;
      }
    }
    throw new StoreException(
        "the newest revision under " + location.uri() + id + "/ kept vanishing", null, true);
  }

  /**
   * The newest listed revision that is not a loser left behind, or null when one listed has
   * vanished meanwhile (list again).
   */
  private Optional<Stored> newest(String id, Listed listed) {
    for (Map.Entry<Long, String> revision : listed.eTags().entrySet()) {
      long number = revision.getKey();
      String key = keys.key(id, number);
      ResponseBytes<GetObjectResponse> object;
      try {
        object = client.getObjectAsBytes(b -> b.bucket(location.bucket()).key(key));
      } catch (SdkException e) {
        if (!S3Errors.isNotFound(e)) {
          throw S3Errors.storeFailure("GetObject", location.bucket(), key, e);
        }
        return null;
      }
      String savedOn = object.response().metadata().get(PREDECESSOR_METADATA);
      if (lineageBroken(listed.eTags(), number, savedOn)) {
        // A stale writer's save that lost (see save) and whose writer died before deleting it:
        // read past it, and delete it so that it cannot take the revision number later.
        deleteQuietly(key);
        continue;
      }
      return Optional.of(new Stored(object.asByteArray(), revision(number, revision.getValue())));
    }
    if (listed.truncated()) {
      throw new StoreException(
          location.uri() + id + "/ holds no revision among its first " + LIST_WINDOW + " keys",
          null,
          false);
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> save(String id, byte[] document, String expectedRevision) {
    StateStore.checkId(id);
    Objects.requireNonNull(document, "document");
    long next = expectedRevision == null ? 1 : parseRevision(expectedRevision) + 1;
    String expectedETag = expectedRevision == null ? null : eTagOf(expectedRevision);
    String key = keys.key(id, next);
    Retry retry = Retry.of("state-save", conflictRetry);
    Optional<String> saved;
    try {
      saved = retry.executeSupplier(() -> create(key, document, next, expectedETag));
    } catch (S3Exception e) {
      if (isConflict(e)) {
        // Another writer is still creating this very revision: it got there first.
        return Optional.empty();
      }
      throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
    }
    if (saved.isEmpty()) {
      return saved;
    }
    // Superseded revisions are deleted (below), so "the successor exists" alone cannot refuse a
    // stale writer whose successor is gone: it wins only if its revision is now the newest, and
    // only if the very object it saved on (same number and ETag) is still there, unless nothing
    // else is: someone who deleted the document meanwhile made another writer start again from
    // revision 1, whose lineage this write must not overtake, even at the same number.
    Map<Long, String> listed = revisions(keys.folder(id)).eTags();
    boolean newest = listed.keySet().stream().allMatch(r -> r <= next);
    if (!newest || lineageBroken(listed, next, expectedETag)) {
      deleteQuietly(key);
      return Optional.empty();
    }
    if (next > 2) {
      deleteQuietly(keys.key(id, next - 2));
    }
    return saved;
  }

  /**
   * Whether revision {@code number}, saved on the object with ETag {@code savedOn} (null or empty
   * when unknown), has lost its lineage: other revisions exist but its predecessor is gone, or is
   * another object of that number (someone deleted the document and another writer started it
   * again). Such a revision is a stale writer's, never the document's.
   */
  private static boolean lineageBroken(Map<Long, String> listed, long number, String savedOn) {
    String predecessor = listed.get(number - 1);
    return number > 1
        && listed.keySet().stream().anyMatch(r -> r != number)
        && (predecessor == null
            || (savedOn != null && !predecessor.isEmpty() && !predecessor.equals(savedOn)));
  }

  /** A document's own revisions among the first keys of its folder, newest first. */
  private record Listed(Map<Long, String> eTags, boolean truncated) {}

  /** The revision numbers among the first keys of a document's folder with their ETags. */
  private Listed revisions(String folder) {
    ListObjectsV2Response listing =
        call(
            "ListObjectsV2",
            folder,
            () ->
                client.listObjectsV2(
                    b -> b.bucket(location.bucket()).prefix(folder).maxKeys(LIST_WINDOW)));
    Map<Long, String> out = new LinkedHashMap<>();
    for (var object : listing.contents()) {
      long r = StateKeys.revisionOf(object.key());
      if (r >= 1 && object.key().lastIndexOf('/') == folder.length() - 1) {
        out.put(r, eTagOf(revision(r, object.eTag())));
      }
    }
    return new Listed(out, Boolean.TRUE.equals(listing.isTruncated()));
  }

  @Override
  public List<String> list(String idPrefix) {
    String prefix = location.key(idPrefix);
    Set<String> ids = new LinkedHashSet<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder request =
          ListObjectsV2Request.builder().bucket(location.bucket()).prefix(prefix);
      if (token != null) {
        request.continuationToken(token);
      }
      ListObjectsV2Response page =
          call("ListObjectsV2", prefix, () -> client.listObjectsV2(request.build()));
      for (var object : page.contents()) {
        String id = keys.idOf(object.key());
        if (id != null) {
          ids.add(id);
        }
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return new ArrayList<>(ids);
  }

  private Optional<String> create(String key, byte[] json, long revision, String predecessor) {
    Map<String, String> metadata =
        predecessor == null || predecessor.isEmpty()
            ? Map.of()
            : Map.of(PREDECESSOR_METADATA, predecessor);
    try {
      String eTag =
          client
              .putObject(
                  b ->
                      b.bucket(location.bucket())
                          .key(key)
                          .ifNoneMatch("*")
                          .contentType("application/json")
                          .metadata(metadata),
                  RequestBody.fromBytes(json))
              .eTag();
      return Optional.of(revision(revision, eTag));
    } catch (SdkException e) {
      if (S3Errors.isPreconditionFailed(e)) {
        // Taken: by another writer, or by this very write when S3 stored it but the answer was
        // lost and the SDK sent it again. Only the second case finds its own bytes there.
        return ownWrite(key, json).map(eTag -> revision(revision, eTag));
      }
      if (isConflict(e)) {
        throw (S3Exception) e;
      }
      throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
    }
  }

  /** The ETag of the revision object at {@code key} if it holds exactly these bytes. */
  private Optional<String> ownWrite(String key, byte[] json) {
    try {
      var stored = client.getObjectAsBytes(b -> b.bucket(location.bucket()).key(key));
      return Arrays.equals(stored.asByteArray(), json)
          ? Optional.of(String.valueOf(stored.response().eTag()))
          : Optional.empty();
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.storeFailure("GetObject", location.bucket(), key, e);
    }
  }

  /** Superseded revisions go; a failure only leaves a small object behind. */
  private void deleteQuietly(String key) {
    try {
      client.deleteObject(b -> b.bucket(location.bucket()).key(key));
    } catch (RuntimeException e) {
      LOG.atDebug()
          .setMessage("could not delete a superseded state revision")
          .addKeyValue("key", key)
          .addKeyValue("reason", S3Errors.describe(e))
          .log();
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

  /**
   * A revision as handed out: its number and, when S3 gave one, the ETag of its object ({@code
   * 7:9b2cf535f27731c974343645a3985328}), so that a save can tell its predecessor from another
   * object of the same number.
   */
  private static String revision(long number, String eTag) {
    String e = eTag == null ? "" : eTag.replace("\"", "");
    return e.isEmpty() ? Long.toString(number) : number + ":" + e;
  }

  /** The ETag part of a revision, "" when it has none. */
  private static String eTagOf(String revision) {
    int colon = revision.indexOf(':');
    return colon < 0 ? "" : revision.substring(colon + 1);
  }

  private static long parseRevision(String revision) {
    try {
      int colon = revision.indexOf(':');
      long r = Long.parseLong(colon < 0 ? revision : revision.substring(0, colon));
      if (r >= 1 && r < Long.MAX_VALUE - 1) {
        return r;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "not a revision of S3StateStore: " + revision + " (pass the one load() returned)");
  }

  private <T> T call(String action, String key, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw S3Errors.storeFailure(action, location.bucket(), key, e);
    }
  }

  /**
   * Builds an {@link S3StateStore}. Required: the client and the location. A save that meets a
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

    /** Where documents go, e.g. {@code S3Location.parse("s3://state/_cdc/state/")}. */
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

    public S3StateStore build() {
      if (client == null) {
        throw new ConfigurationException("S3StateStore needs an S3Client");
      }
      if (location == null) {
        throw new ConfigurationException("S3StateStore needs a location (bucket and prefix)");
      }
      if (conflictAttempts < 1 || conflictBackoff.isNegative() || conflictBackoff.isZero()) {
        throw new ConfigurationException(
            "conflictRetry needs attempts >= 1 and a positive backoff");
      }
      return new S3StateStore(this);
    }
  }
}
