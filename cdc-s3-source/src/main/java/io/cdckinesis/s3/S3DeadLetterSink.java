package io.cdckinesis.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.DeadLetterSink;
import io.cdckinesis.s3.internal.S3Errors;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Dead letters as JSON objects in S3: {@code <prefix><yyyy/MM/dd>/<shard>/<sequence>-<sub>.json}
 * (the day the record was given up), holding the reason, the source position when known, and the
 * record's bytes in base64. The key is fixed per record and day, so a record dead-lettered again (a
 * redelivered batch) replaces its copy. {@link #keys} and {@link #read} give them back for a
 * redrive. Stateless and thread-safe; never closes the client.
 */
public final class S3DeadLetterSink implements DeadLetterSink {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

  private final S3Client client;
  private final S3Location location;

  private S3DeadLetterSink(Builder b) {
    this.client = b.client;
    this.location = b.location;
  }

  public static Builder builder() {
    return new Builder();
  }

  public S3Location location() {
    return location;
  }

  /** The key a dead letter is stored under. */
  public String keyOf(DeadLetter letter) {
    return location.key(
        DAY.format(letter.at())
            + "/"
            + letter.shardId()
            + "/"
            + letter.sequenceNumber()
            + "-"
            + letter.subSequence()
            + ".json");
  }

  /**
   * Stores a dead letter.
   *
   * @throws StoreException when S3 refuses the write (retryable when throttled or unavailable)
   */
  @Override
  public void accept(DeadLetter letter) {
    ObjectNode json = JSON.createObjectNode();
    json.put("shardId", letter.shardId());
    json.put("sequenceNumber", letter.sequenceNumber());
    json.put("subSequence", letter.subSequence());
    SourcePosition p = letter.position();
    if (p != null) {
      json.put("sourceUri", p.objectUri());
      json.put("sourceRow", p.row());
      json.put("sourceLine", p.line());
      json.put("sourceGeneration", p.generation());
      json.put("sourceRevision", p.file().revision());
      if (p.file().version() != null) {
        json.put("sourceVersion", p.file().version());
      }
    }
    json.put("reason", letter.reason());
    json.put("errorType", letter.errorType());
    json.put("attempts", letter.attempts());
    json.put("at", letter.at().toString());
    json.put("dataBase64", Base64.getEncoder().encodeToString(letter.data()));
    String key = keyOf(letter);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
    try {
      client.putObject(
          b -> b.bucket(location.bucket()).key(key).contentType("application/json"),
          RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw S3Errors.storeFailure("PutObject", location.bucket(), key, e);
    }
  }

  /**
   * The keys of the stored dead letters under {@code dayPrefix} (e.g. {@code 2026/11/24/}, or empty
   * for all), oldest day first.
   *
   * @throws StoreException when the listing fails
   */
  public List<String> keys(String dayPrefix) {
    String prefix = location.key(dayPrefix == null ? "" : dayPrefix);
    List<String> out = new ArrayList<>();
    try {
      for (S3Object o :
          client
              .listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix))
              .contents()) {
        if (o.key().endsWith(".json")) {
          out.add(o.key());
        }
      }
    } catch (SdkException e) {
      throw S3Errors.storeFailure("ListObjectsV2", location.bucket(), prefix, e);
    }
    return out;
  }

  /**
   * Reads a dead letter back.
   *
   * @throws StoreException when it cannot be read (not retryable when missing) or is not a dead
   *     letter
   */
  public DeadLetter read(String key) {
    byte[] bytes;
    try {
      bytes = client.getObjectAsBytes(b -> b.bucket(location.bucket()).key(key)).asByteArray();
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        throw new StoreException(
            "dead letter s3://" + location.bucket() + "/" + key + " does not exist", e, false);
      }
      throw S3Errors.storeFailure("GetObject", location.bucket(), key, e);
    }
    try {
      JsonNode j = JSON.readTree(bytes);
      SourcePosition position = null;
      if (j.hasNonNull("sourceUri")) {
        position =
            new SourcePosition(
                new SourceFile(
                    j.get("sourceUri").asText(),
                    j.path("sourceGeneration").asLong(0),
                    j.path("sourceRevision").asInt(1),
                    j.hasNonNull("sourceVersion") ? j.get("sourceVersion").asText() : null),
                j.get("sourceRow").asLong(),
                j.get("sourceLine").asLong());
      }
      return new DeadLetter(
          j.get("shardId").asText(),
          j.get("sequenceNumber").asText(),
          j.get("subSequence").asInt(),
          position,
          j.get("reason").asText(),
          j.path("errorType").asText(null),
          j.path("attempts").asInt(0),
          Base64.getDecoder().decode(j.get("dataBase64").asText()),
          Instant.parse(j.get("at").asText()));
    } catch (IOException | RuntimeException e) {
      throw new StoreException(
          "s3://"
              + location.bucket()
              + "/"
              + key
              + " is not a dead letter ("
              + e.getClass().getSimpleName()
              + ")",
          e,
          false);
    }
  }

  /** Builds an {@link S3DeadLetterSink}. Required: client and location. */
  public static final class Builder {
    private S3Client client;
    private S3Location location;

    private Builder() {}

    public Builder client(S3Client client) {
      this.client = client;
      return this;
    }

    /** Where dead letters go, e.g. {@code S3Location.of("state", "_cdc/dead-letter/")}. */
    public Builder location(S3Location location) {
      this.location = location;
      return this;
    }

    public S3DeadLetterSink build() {
      if (client == null) {
        throw new ConfigurationException("S3DeadLetterSink needs an S3Client");
      }
      if (location == null) {
        throw new ConfigurationException("S3DeadLetterSink needs a location (bucket and prefix)");
      }
      return new S3DeadLetterSink(this);
    }
  }
}
