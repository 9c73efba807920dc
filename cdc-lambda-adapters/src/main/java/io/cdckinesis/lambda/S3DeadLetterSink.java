package io.cdckinesis.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.StoreException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Dead letters as JSON objects in S3: {@code <prefix><yyyy/MM/dd>/<shard>/<sequence>-<sub>.json},
 * holding the reason, the source position when known, and the record's bytes in base64. The key is
 * fixed per record, so a record dead-lettered twice is stored once.
 */
public final class S3DeadLetterSink implements DeadLetterSink {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  public S3DeadLetterSink(S3Client s3, String bucket, String prefix) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.prefix = prefix == null ? "" : prefix;
  }

  /** The key a dead letter is stored under. */
  public String keyOf(DeadLetter letter) {
    return prefix
        + DAY.format(letter.at())
        + "/"
        + letter.shardId()
        + "/"
        + letter.sequenceNumber()
        + "-"
        + letter.subSequence()
        + ".json";
  }

  @Override
  public void accept(DeadLetter letter) {
    ObjectNode json = JSON.createObjectNode();
    json.put("shardId", letter.shardId());
    json.put("sequenceNumber", letter.sequenceNumber());
    json.put("subSequence", letter.subSequence());
    if (letter.position() != null) {
      json.put("sourceUri", letter.position().objectUri());
      json.put("sourceRow", letter.position().row());
      json.put("sourceLine", letter.position().line());
    }
    json.put("reason", letter.reason());
    json.put("errorType", letter.errorType());
    json.put("attempts", letter.attempts());
    json.put("at", letter.at().toString());
    json.put("dataBase64", Base64.getEncoder().encodeToString(letter.data()));
    String key = keyOf(letter);
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/json"),
          RequestBody.fromBytes(JSON.writeValueAsBytes(json)));
    } catch (SdkException e) {
      throw new StoreException(
          "cannot write dead letter s3://" + bucket + "/" + key + ": " + e.getMessage(),
          e,
          e.retryable());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
  }
}
