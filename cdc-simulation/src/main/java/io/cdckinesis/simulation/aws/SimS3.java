package io.cdckinesis.simulation.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An in-memory S3 behind the SDK's {@link S3Client} interface, with the semantics the pipeline's S3
 * code relies on: buckets of objects with a quoted-MD5 ETag and a LastModified from the injected
 * clock; PutObject with {@code If-None-Match: *} and {@code If-Match}; GetObject with a byte range
 * and {@code If-Match} (412 when the object changed), answering with the object version it started
 * on even if the object is overwritten while the body is read (as S3 does); HeadObject;
 * ListObjectsV2 with prefix, start-after, delimiter, max-keys and continuation tokens;
 * DeleteObject(s). Object-created notifications go to listeners (S3 event notifications).
 *
 * <p>Every other operation throws {@link UnsupportedOperationException} (the interface's default),
 * so a new call of the code under test shows up at once. No versioning, no multipart uploads.
 *
 * <p>This class is the service's state: it has no latency, faults or yield points. The code under
 * test sees it through {@link SimulatedServices}, which adds them; the world model (the DMS writer,
 * operators, checks) uses it directly. Not thread-safe beyond the simulation's one-at-a-time rule.
 */
public final class SimS3 implements S3Client {

  /** An object as stored. */
  public record StoredObject(
      String key,
      byte[] data,
      String eTag,
      Instant lastModified,
      String contentType,
      Map<String, String> metadata) {}

  /**
   * An object-created or object-removed notification, as S3 sends it to a notification target.
   *
   * @param removed whether the object was deleted ({@code ObjectRemoved:Delete}) rather than
   *     created ({@code ObjectCreated:Put})
   */
  public record ObjectEvent(
      String bucket, String key, String eTag, long size, String sequencer, boolean removed) {

    /** An object-created event (a continuation names its objects this way too). */
    public static ObjectEvent created(String bucket, String key) {
      return new ObjectEvent(bucket, key, null, 0, "0", false);
    }

    /** The event's name as S3 writes it. */
    public String eventName() {
      return removed ? "ObjectRemoved:Delete" : "ObjectCreated:Put";
    }
  }

  /** Reads of response bodies: where a read pauses and whether a download breaks. */
  public interface BodyHooks {
    BodyHooks NONE = new BodyHooks() {};

    /** Called before each read of a response body (a yield point, for the simulation). */
    default void beforeRead(String bucket, String key, long offset) {}

    /**
     * The offset (relative to the response's first byte) at which the connection of this GET
     * breaks, or -1 to deliver the whole body.
     */
    default long breakAt(String bucket, String key, long length) {
      return -1;
    }
  }

  private static final int MAX_KEYS = 1000;

  /** A body read is a yield point when it starts a new chunk of this many bytes. */
  private static final int READ_CHUNK = 16 * 1024;

  private final Clock clock;
  private final Map<String, NavigableMap<String, StoredObject>> buckets = new LinkedHashMap<>();
  private final Map<String, List<Consumer<ObjectEvent>>> listeners = new LinkedHashMap<>();
  private BodyHooks bodyHooks = BodyHooks.NONE;
  private long sequencer;
  private long mutations;

  public SimS3(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Creates a bucket (the convenience the world model uses). */
  public void createBucket(String name) {
    buckets.putIfAbsent(name, new TreeMap<>());
  }

  /**
   * Sends a notification to {@code listener} for every object created in {@code bucket} and every
   * object deleted there (a delete of a key that does not exist notifies nothing).
   */
  public void onObjectEvents(String bucket, Consumer<ObjectEvent> listener) {
    listeners.computeIfAbsent(bucket, b -> new ArrayList<>()).add(listener);
  }

  /** How many objects were written or deleted so far, in every bucket. */
  public long mutations() {
    return mutations;
  }

  public void bodyHooks(BodyHooks hooks) {
    this.bodyHooks = Objects.requireNonNull(hooks, "hooks");
  }

  /** The objects of a bucket under a prefix, in key order (read-only view of the state). */
  public List<StoredObject> objects(String bucket, String prefix) {
    List<StoredObject> out = new ArrayList<>();
    for (StoredObject o : bucket(bucket).tailMap(prefix, true).values()) {
      if (!o.key().startsWith(prefix)) {
        break;
      }
      out.add(o);
    }
    return out;
  }

  /** The object, or null. */
  public StoredObject object(String bucket, String key) {
    return bucket(bucket).get(key);
  }

  /** Stores an object as a plain PUT would, notifying listeners. */
  public StoredObject put(String bucket, String key, byte[] data, String contentType) {
    return put(bucket, key, data, contentType, Map.of());
  }

  /** The same, with user metadata ({@code x-amz-meta-*}). */
  public StoredObject put(
      String bucket, String key, byte[] data, String contentType, Map<String, String> metadata) {
    NavigableMap<String, StoredObject> b = bucket(bucket);
    StoredObject o =
        new StoredObject(
            key, data.clone(), eTagOf(data), clock.instant(), contentType, Map.copyOf(metadata));
    b.put(key, o);
    mutations++;
    notify(
        new ObjectEvent(bucket, key, o.eTag(), data.length, Long.toHexString(++sequencer), false));
    return o;
  }

  /** Deletes an object as a plain DELETE would, notifying listeners; true when it existed. */
  public boolean delete(String bucket, String key) {
    StoredObject gone = bucket(bucket).remove(key);
    if (gone == null) {
      return false;
    }
    mutations++;
    notify(new ObjectEvent(bucket, key, null, 0, Long.toHexString(++sequencer), true));
    return true;
  }

  private void notify(ObjectEvent e) {
    for (Consumer<ObjectEvent> l : listeners.getOrDefault(e.bucket(), List.of())) {
      l.accept(e);
    }
  }

  // ---- the S3Client interface --------------------------------------------------------------

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public void close() {}

  @Override
  public CreateBucketResponse createBucket(CreateBucketRequest request) {
    createBucket(request.bucket());
    return CreateBucketResponse.builder().location("/" + request.bucket()).build();
  }

  @Override
  public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
    NavigableMap<String, StoredObject> b = bucket(request.bucket());
    StoredObject existing = b.get(request.key());
    if ("*".equals(request.ifNoneMatch()) && existing != null) {
      throw error(412, "PreconditionFailed", "At least one of the preconditions did not hold");
    }
    if (request.ifMatch() != null) {
      if (existing == null) {
        throw NoSuchKeyException.builder()
            .statusCode(404)
            .awsErrorDetails(details("NoSuchKey", "The specified key does not exist."))
            .message("The specified key does not exist.")
            .build();
      }
      if (!sameETag(request.ifMatch(), existing.eTag())) {
        throw error(412, "PreconditionFailed", "At least one of the preconditions did not hold");
      }
    }
    byte[] data;
    try (InputStream in = body.contentStreamProvider().newStream()) {
      data = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StoredObject o =
        put(request.bucket(), request.key(), data, request.contentType(), request.metadata());
    return PutObjectResponse.builder().eTag(o.eTag()).build();
  }

  @Override
  public <T> T getObject(
      GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
    StoredObject o = existing(request.bucket(), request.key());
    if (request.versionId() != null && !"null".equals(request.versionId())) {
      throw error(400, "InvalidArgument", "Invalid version id specified");
    }
    if (request.ifMatch() != null && !sameETag(request.ifMatch(), o.eTag())) {
      throw error(412, "PreconditionFailed", "At least one of the preconditions did not hold");
    }
    if (request.ifNoneMatch() != null && sameETag(request.ifNoneMatch(), o.eTag())) {
      throw error(304, "NotModified", "Not Modified");
    }
    long size = o.data().length;
    long first = 0;
    long last = size - 1;
    String contentRange = null;
    if (request.range() != null) {
      long[] r = range(request.range(), size);
      first = r[0];
      last = r[1];
      contentRange = "bytes " + first + "-" + last + "/" + size;
    }
    GetObjectResponse response =
        GetObjectResponse.builder()
            .eTag(o.eTag())
            .lastModified(o.lastModified().truncatedTo(ChronoUnit.SECONDS))
            .contentLength(last - first + 1)
            .contentRange(contentRange)
            .contentType(o.contentType())
            .metadata(o.metadata())
            .acceptRanges("bytes")
            .build();
    Body in =
        new Body(
            request.bucket(),
            o.key(),
            o.data(),
            (int) first,
            (int) (last + 1),
            bodyHooks.breakAt(request.bucket(), o.key(), last - first + 1));
    try {
      return transformer.transform(response, AbortableInputStream.create(in, in::abort));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("response transformer failed", e);
    }
  }

  @Override
  public HeadObjectResponse headObject(HeadObjectRequest request) {
    StoredObject o = existing(request.bucket(), request.key());
    if (request.ifMatch() != null && !sameETag(request.ifMatch(), o.eTag())) {
      throw error(412, "PreconditionFailed", "At least one of the preconditions did not hold");
    }
    return HeadObjectResponse.builder()
        .eTag(o.eTag())
        .contentLength((long) o.data().length)
        .lastModified(o.lastModified().truncatedTo(ChronoUnit.SECONDS))
        .contentType(o.contentType())
        .acceptRanges("bytes")
        .build();
  }

  @Override
  public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
    NavigableMap<String, StoredObject> b = bucket(request.bucket());
    String prefix = request.prefix() == null ? "" : request.prefix();
    int max = request.maxKeys() == null ? MAX_KEYS : Math.min(MAX_KEYS, request.maxKeys());
    String after = null;
    if (request.continuationToken() != null) {
      after = decodeToken(request.continuationToken());
    } else if (request.startAfter() != null) {
      after = request.startAfter();
    }
    String delimiter =
        request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
    NavigableMap<String, StoredObject> view =
        after != null && after.compareTo(prefix) >= 0
            ? b.tailMap(after, false)
            : b.tailMap(prefix, true);
    List<S3Object> contents = new ArrayList<>();
    List<CommonPrefix> prefixes = new ArrayList<>();
    String lastReturned = null;
    boolean truncated = false;
    for (StoredObject o : view.values()) {
      if (!o.key().startsWith(prefix)) {
        break;
      }
      if (delimiter != null) {
        int d = o.key().indexOf(delimiter, prefix.length());
        if (d >= 0) {
          String common = o.key().substring(0, d + delimiter.length());
          if (lastReturned != null && lastReturned.equals(common)) {
            continue;
          }
          if (contents.size() + prefixes.size() == max) {
            truncated = true;
            break;
          }
          prefixes.add(CommonPrefix.builder().prefix(common).build());
          lastReturned = common;
          continue;
        }
      }
      if (contents.size() + prefixes.size() == max) {
        truncated = true;
        break;
      }
      contents.add(
          S3Object.builder()
              .key(o.key())
              .eTag(o.eTag())
              .size((long) o.data().length)
              .lastModified(o.lastModified().truncatedTo(ChronoUnit.SECONDS))
              .storageClass("STANDARD")
              .build());
      lastReturned = o.key();
    }
    ListObjectsV2Response.Builder r =
        ListObjectsV2Response.builder()
            .name(request.bucket())
            .prefix(request.prefix())
            .delimiter(request.delimiter())
            .startAfter(request.startAfter())
            .continuationToken(request.continuationToken())
            .maxKeys(max)
            .keyCount(contents.size() + prefixes.size())
            .contents(contents)
            .commonPrefixes(prefixes)
            .isTruncated(truncated);
    if (truncated) {
      r.nextContinuationToken(encodeToken(lastPosition(lastReturned, delimiter)));
    }
    return r.build();
  }

  @Override
  public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
    delete(request.bucket(), request.key());
    return DeleteObjectResponse.builder().build();
  }

  @Override
  public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest request) {
    bucket(request.bucket());
    List<DeletedObject> deleted = new ArrayList<>();
    for (ObjectIdentifier id : request.delete().objects()) {
      delete(request.bucket(), id.key());
      deleted.add(DeletedObject.builder().key(id.key()).build());
    }
    return DeleteObjectsResponse.builder().deleted(deleted).build();
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** A common prefix ends with the delimiter; the next page starts after every key under it. */
  private static String lastPosition(String lastReturned, String delimiter) {
    if (delimiter != null && lastReturned.endsWith(delimiter)) {
      return lastReturned + Character.MAX_VALUE;
    }
    return lastReturned;
  }

  private static String encodeToken(String key) {
    return HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeToken(String token) {
    try {
      return new String(HexFormat.of().parseHex(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw error(400, "InvalidArgument", "The continuation token provided is incorrect");
    }
  }

  /** {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}, clamped as S3 does; 416 beyond. */
  private static long[] range(String header, long size) {
    if (!header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      throw error(400, "InvalidArgument", "unsupported range " + header);
    }
    String spec = header.substring("bytes=".length());
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw error(400, "InvalidArgument", "malformed range " + header);
    }
    String a = spec.substring(0, dash);
    String b = spec.substring(dash + 1);
    long first;
    long last;
    if (a.isEmpty()) {
      long n = Long.parseLong(b);
      first = Math.max(0, size - n);
      last = size - 1;
    } else {
      first = Long.parseLong(a);
      last = b.isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(b));
    }
    if (first >= size || first > last) {
      throw error(416, "InvalidRange", "The requested range is not satisfiable");
    }
    return new long[] {first, last};
  }

  private NavigableMap<String, StoredObject> bucket(String name) {
    NavigableMap<String, StoredObject> b = buckets.get(name);
    if (b == null) {
      throw NoSuchBucketException.builder()
          .statusCode(404)
          .awsErrorDetails(details("NoSuchBucket", "The specified bucket does not exist"))
          .message("The specified bucket does not exist: " + name)
          .build();
    }
    return b;
  }

  private StoredObject existing(String bucket, String key) {
    StoredObject o = bucket(bucket).get(key);
    if (o == null) {
      throw NoSuchKeyException.builder()
          .statusCode(404)
          .awsErrorDetails(details("NoSuchKey", "The specified key does not exist."))
          .message("The specified key does not exist.")
          .build();
    }
    return o;
  }

  private static boolean sameETag(String condition, String eTag) {
    return unquote(condition).equals(unquote(eTag)) || "*".equals(condition);
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  /** A service error as the SDK raises it. */
  public static S3Exception error(int status, String code, String message) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(details(code, message))
            .message(message + " (Service: S3, Status Code: " + status + ")")
            .build();
  }

  private static AwsErrorDetails details(String code, String message) {
    return AwsErrorDetails.builder()
        .errorCode(code)
        .errorMessage(message)
        .serviceName("S3")
        .build();
  }

  static String eTagOf(byte[] data) {
    try {
      return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A response body: the bytes of the version the GET started on, which may break mid-way. */
  private final class Body extends InputStream {
    private final String bucket;
    private final String key;
    private final byte[] data;
    private final int start;
    private final int end;
    private final long breakAt;
    private int pos;
    private int lastYieldChunk = -1;
    private boolean aborted;

    Body(String bucket, String key, byte[] data, int start, int end, long breakAt) {
      this.bucket = bucket;
      this.key = key;
      this.data = data;
      this.start = start;
      this.end = end;
      this.pos = start;
      this.breakAt = breakAt < 0 ? -1 : start + breakAt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (aborted) {
        throw new IOException("the response of s3://" + bucket + "/" + key + " was aborted");
      }
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      if (pos == start || pos / READ_CHUNK != lastYieldChunk) {
        lastYieldChunk = pos / READ_CHUNK;
        bodyHooks.beforeRead(bucket, key, pos);
      }
      if (breakAt >= 0 && pos >= breakAt) {
        aborted = true;
        throw new SocketException("Connection reset (simulated, at byte " + pos + ")");
      }
      int limit = breakAt >= 0 ? (int) Math.min(end, breakAt) : end;
      int n = Math.min(len, limit - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return aborted ? 0 : end - pos;
    }

    void abort() {
      aborted = true;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + key + " bytes " + start + "-" + (end - 1);
    }
  }
}
