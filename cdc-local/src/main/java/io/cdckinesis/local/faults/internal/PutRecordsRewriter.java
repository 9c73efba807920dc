package io.cdckinesis.local.faults.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Rewrites PutRecords bodies in the JSON protocol (what the SDK speaks when CBOR is off, as it is
 * against kinesalite): takes throttled entries out of a request, and puts their failures back into
 * the response at their original indices, as Kinesis reports partial failures.
 */
public final class PutRecordsRewriter {

  /** Kinesis limits: a request over them must reach the server whole, to be rejected there. */
  static final int MAX_ENTRIES = 500;

  static final long MAX_RECORD_BYTES = 1L << 20;
  static final long MAX_REQUEST_BYTES = 5L << 20;
  static final int MAX_PARTITION_KEY_CHARS = 256;

  public static final String THROTTLED = "ProvisionedThroughputExceededException";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root;
  private final ArrayNode records;

  private PutRecordsRewriter(ObjectNode root, ArrayNode records) {
    this.root = root;
    this.records = records;
  }

  /**
   * Reads a PutRecords request body.
   *
   * @throws IllegalStateException if it is not a JSON PutRecords request (CBOR is on)
   */
  public static PutRecordsRewriter parseRequest(byte[] body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException(
          "PutRecords throttling needs the JSON protocol; run LocalKinesis.start() or set"
              + " aws.cborEnabled=false before building the Kinesis client",
          e);
    }
    if (!(node instanceof ObjectNode obj) || !(obj.get("Records") instanceof ArrayNode recs)) {
      throw new IllegalStateException("not a PutRecords request: no Records array");
    }
    return new PutRecordsRewriter(obj, recs);
  }

  public int size() {
    return records.size();
  }

  /** The stream the request names, for error messages. */
  public String streamName() {
    JsonNode name = root.get("StreamName");
    if (name != null && name.isTextual()) {
      return name.asText();
    }
    JsonNode arn = root.get("StreamARN");
    if (arn != null && arn.isTextual()) {
      String s = arn.asText();
      return s.substring(s.lastIndexOf('/') + 1);
    }
    return "unknown";
  }

  /**
   * True when Kinesis would accept the request as a whole (entry count, sizes, keys). Throttling
   * only a part of an invalid request could let the rest through, which Kinesis never does.
   */
  public boolean withinLimits() {
    if (records.isEmpty() || records.size() > MAX_ENTRIES) {
      return false;
    }
    long total = 0;
    for (JsonNode r : records) {
      JsonNode key = r.get("PartitionKey");
      JsonNode data = r.get("Data");
      if (key == null || !key.isTextual() || data == null || !data.isTextual()) {
        return false;
      }
      String k = key.asText();
      if (k.isEmpty() || k.length() > MAX_PARTITION_KEY_CHARS) {
        return false;
      }
      long bytes = base64Length(data.asText()) + k.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_RECORD_BYTES) {
        return false;
      }
      total += bytes;
    }
    return total <= MAX_REQUEST_BYTES;
  }

  /** The request without the entries whose bits are set. */
  public byte[] without(BitSet throttled) {
    ObjectNode copy = root.deepCopy();
    ArrayNode kept = copy.putArray("Records");
    for (int i = 0; i < records.size(); i++) {
      if (!throttled.get(i)) {
        kept.add(records.get(i));
      }
    }
    return write(copy);
  }

  /**
   * The response to the whole request: the server's answer for the forwarded entries, in order,
   * with the throttled entries' failures spliced in at their original indices.
   *
   * @throws IllegalStateException if the server's answer does not match what was forwarded
   */
  public byte[] splice(byte[] forwardedResponse, BitSet throttled) {
    JsonNode node;
    try {
      node = JSON.readTree(forwardedResponse);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable PutRecords response from the server", e);
    }
    int forwarded = records.size() - throttled.cardinality();
    if (!(node instanceof ObjectNode obj)
        || !(obj.get("Records") instanceof ArrayNode answered)
        || answered.size() != forwarded) {
      throw new IllegalStateException(
          "PutRecords response does not answer the " + forwarded + " forwarded entries");
    }
    ObjectNode out = obj.deepCopy();
    ArrayNode all = out.putArray("Records");
    int next = 0;
    for (int i = 0; i < records.size(); i++) {
      all.add(throttled.get(i) ? throttledEntry() : answered.get(next++));
    }
    long failed = obj.path("FailedRecordCount").asLong(0) + throttled.cardinality();
    out.put("FailedRecordCount", failed);
    return write(out);
  }

  /** The answer when every entry is throttled: a 200 with all entries failed, as Kinesis sends. */
  public byte[] allThrottled() {
    ObjectNode out = JSON.createObjectNode();
    out.put("FailedRecordCount", records.size());
    ArrayNode all = out.putArray("Records");
    for (int i = 0; i < records.size(); i++) {
      all.add(throttledEntry());
    }
    return write(out);
  }

  private ObjectNode throttledEntry() {
    ObjectNode e = JSON.createObjectNode();
    e.put("ErrorCode", THROTTLED);
    e.put(
        "ErrorMessage",
        "Rate exceeded for shard in stream "
            + streamName()
            + " under account 000000000000. (injected fault)");
    return e;
  }

  private static long base64Length(String b64) {
    int len = b64.length();
    int pad =
        len > 0 && b64.charAt(len - 1) == '=' ? (len > 1 && b64.charAt(len - 2) == '=' ? 2 : 1) : 0;
    return (long) len * 3 / 4 - pad;
  }

  private static byte[] write(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
