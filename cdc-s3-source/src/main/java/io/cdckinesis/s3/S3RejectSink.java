package io.cdckinesis.s3;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.RejectSink;
import io.cdckinesis.s3.internal.RejectKeys;
import io.cdckinesis.s3.internal.RejectLines;
import io.cdckinesis.s3.internal.S3Errors;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Rejected rows as JSON Lines objects in S3, one or more per source object (see {@link RejectKeys}
 * for the layout and {@link RejectLines} for a line). Rows are buffered in memory and written by
 * {@link #flush()}; when the buffer passes its bound, everything buffered is written at once as
 * further parts, so a file full of bad rows never fills the memory.
 *
 * <p>Nothing is overwritten: parts are written with {@code If-None-Match: *}, and each sink (one
 * per run, e.g. per Lambda invocation) names its parts with its own run id; a part name that exists
 * already (a reused run id) moves on to the next part number. Rejects are durable once {@link
 * #flush()} returns. A run that crashes before flushing loses its buffered rejects, but the run
 * that resumes from the last checkpoint reads those rows again and rejects them again, provided the
 * caller flushes this sink before each checkpoint it saves. Rows rejected again that way may also
 * be in the crashed run's parts: duplicates are possible (tell them apart by {@code objectUri},
 * {@code row}), losses are not.
 *
 * <p>Thread-safe. A failed write throws {@link StoreException} and keeps the rows for the next
 * flush.
 */
public final class S3RejectSink implements RejectSink {

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_PART = 99_999;

  private final S3Client client;
  private final S3Location location;
  private final RejectKeys keys;
  private final String runId;
  private final long maxBufferedBytes;
  private final Map<String, ByteArrayOutputStream> buffers = new LinkedHashMap<>();
  private final Map<String, Integer> lastPart = new HashMap<>();
  private long bufferedBytes;

  private S3RejectSink(Builder b) {
    this.client = b.client;
    this.location = b.location;
    this.keys = new RejectKeys(b.location);
    this.runId = b.runId;
    this.maxBufferedBytes = b.maxBufferedBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The id this sink puts in its part names. */
  public String runId() {
    return runId;
  }

  /**
   * The key prefix of every rejects part of {@code objectUri}, from any run: list it to find them.
   */
  public String keyPrefix(String objectUri) {
    return keys.keyPrefix(Objects.requireNonNull(objectUri, "objectUri"));
  }

  /** Bytes of JSON lines held in memory, not yet written. */
  public synchronized long bufferedBytes() {
    return bufferedBytes;
  }

  @Override
  public synchronized void reject(RejectedRow row) {
    Objects.requireNonNull(row, "row");
    byte[] line = RejectLines.encode(row);
    buffers.computeIfAbsent(row.objectUri(), uri -> new ByteArrayOutputStream()).writeBytes(line);
    bufferedBytes += line.length;
    if (bufferedBytes >= maxBufferedBytes) {
      writeAll();
    }
  }

  @Override
  public synchronized void flush() {
    writeAll();
  }

  private void writeAll() {
    Iterator<Map.Entry<String, ByteArrayOutputStream>> it = buffers.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, ByteArrayOutputStream> entry = it.next();
      byte[] body = entry.getValue().toByteArray();
      writePart(entry.getKey(), body);
      it.remove();
      bufferedBytes -= body.length;
    }
  }

  private void writePart(String objectUri, byte[] body) {
    int part = lastPart.getOrDefault(objectUri, 0);
    while (part < MAX_PART) {
      part++;
      String key = keys.key(objectUri, runId, part);
      try {
        client.putObject(
            b ->
                b.bucket(location.bucket())
                    .key(key)
                    .ifNoneMatch("*")
                    .contentType("application/x-ndjson"),
            RequestBody.fromBytes(body));
        lastPart.put(objectUri, part);
        return;
      } catch (SdkException e) {
        if (!S3Errors.isPreconditionFailed(e)) {
          throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
        }
        // A part of that name exists (a run id used twice): keep it, take the next number.
        lastPart.put(objectUri, part);
      }
    }
    throw new StoreException(
        "run " + runId + " has used every part number for the rejects of " + objectUri,
        null,
        false);
  }

  /** Builds an {@link S3RejectSink}. Defaults: a random run id, a 1 MiB buffer bound. */
  public static final class Builder {
    private S3Client client;
    private S3Location location;
    private String runId = UUID.randomUUID().toString();
    private long maxBufferedBytes = 1 << 20;

    private Builder() {}

    public Builder client(S3Client client) {
      this.client = client;
      return this;
    }

    /** Where rejects go, e.g. {@code S3Location.parse("s3://state/rejects/")}. */
    public Builder location(S3Location location) {
      this.location = location;
      return this;
    }

    /**
     * The id of this run in part names, e.g. the Lambda request id: letters, digits, {@code -} and
     * {@code _}, up to 64.
     */
    public Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    /** Buffered bytes that make the sink write what it holds without waiting for a flush. */
    public Builder maxBufferedBytes(long bytes) {
      this.maxBufferedBytes = bytes;
      return this;
    }

    public S3RejectSink build() {
      if (client == null) {
        throw new ConfigurationException("S3RejectSink needs an S3Client");
      }
      if (location == null) {
        throw new ConfigurationException("S3RejectSink needs a location (bucket and prefix)");
      }
      if (runId == null || !RUN_ID.matcher(runId).matches()) {
        throw new ConfigurationException(
            "S3RejectSink run id must be 1 to 64 letters, digits, '-' or '_': " + runId);
      }
      if (maxBufferedBytes < 1) {
        throw new ConfigurationException("maxBufferedBytes must be positive");
      }
      return new S3RejectSink(this);
    }
  }
}
