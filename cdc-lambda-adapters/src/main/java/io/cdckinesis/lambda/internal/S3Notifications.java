package io.cdckinesis.lambda.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.s3.S3ObjectRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * S3 event notifications as S3 sends them to Lambda: used by the producer to continue itself, and
 * by the demo and tests to send the events a bucket notification would.
 */
public final class S3Notifications {

  private static final ObjectMapper JSON = new ObjectMapper();

  private S3Notifications() {}

  /**
   * An S3 ObjectCreated event with a record per object, shaped exactly as S3 sends it (every field
   * the Lambda runtime's event mapping reads), the key URL-encoded as S3 encodes it.
   */
  public static byte[] json(List<S3ObjectRef> objects) {
    return json(objects, "ObjectCreated:Put");
  }

  /**
   * An S3 event with a record per object and the given event name, e.g. {@code
   * ObjectRemoved:Delete} (a delete by someone) or {@code LifecycleExpiration:Delete}.
   */
  public static byte[] json(List<S3ObjectRef> objects, String eventName) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (S3ObjectRef object : objects) {
      addRecord(records.addObject(), object, eventName);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
  }

  private static void addRecord(ObjectNode record, S3ObjectRef object, String eventName) {
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    String region = System.getenv("AWS_REGION");
    record.put("awsRegion", region == null ? "us-east-1" : region);
    record.put("eventTime", Instant.now().toString());
    record.put("eventName", eventName);
    record.putObject("userIdentity").put("principalId", "cdc-kinesis-continuation");
    record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
    ObjectNode response = record.putObject("responseElements");
    response.put("x-amz-request-id", "cdc-kinesis");
    response.put("x-amz-id-2", "cdc-kinesis");
    ObjectNode s3 = record.putObject("s3");
    s3.put("s3SchemaVersion", "1.0");
    s3.put("configurationId", "cdc-kinesis-continuation");
    ObjectNode bucket = s3.putObject("bucket");
    bucket.put("name", object.bucket());
    bucket.putObject("ownerIdentity").put("principalId", "cdc-kinesis");
    bucket.put("arn", "arn:aws:s3:::" + object.bucket());
    ObjectNode obj = s3.putObject("object");
    obj.put("key", encodeKey(object.key()));
    obj.put("size", 0);
    if (object.versionId() != null) {
      obj.put("versionId", object.versionId());
    }
    obj.put("sequencer", "0");
  }

  /** Form-encodes a key as S3 notifications do (space as +), keeping slashes readable. */
  public static String encodeKey(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
  }
}
