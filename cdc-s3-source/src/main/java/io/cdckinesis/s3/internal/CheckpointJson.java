package io.cdckinesis.s3.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.spi.Checkpoint;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link Checkpoint}: every field, explicitly named, with a format number so
 * that a later layout can still read this one. {@code leaseUntil} is ISO-8601 UTC with full
 * precision.
 *
 * <pre>{@code
 * {"format":1,"objectUri":"s3://b/dbo/T/LOAD00000001.csv","objectVersion":"\"9b2c...\"",
 *  "progress":{"rowsDone":500,"nextLine":502,"nextByteOffset":40960,"header":["Op","id","name"]},
 *  "complete":false,"owner":"3f1c...","leaseUntil":"2026-01-02T03:04:05.123456789Z"}
 * }</pre>
 */
public final class CheckpointJson {

  static final int FORMAT = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CheckpointJson() {}

  public static byte[] encode(Checkpoint c) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("objectUri", c.objectUri());
    root.put("objectVersion", c.objectVersion());
    ObjectNode progress = root.putObject("progress");
    progress.put("rowsDone", c.progress().rowsDone());
    progress.put("nextLine", c.progress().nextLine());
    progress.put("nextByteOffset", c.progress().nextByteOffset());
    ArrayNode header = progress.putArray("header");
    c.progress().header().forEach(header::add);
    root.put("complete", c.complete());
    root.put("owner", c.owner());
    root.put("leaseUntil", c.leaseUntil() == null ? null : c.leaseUntil().toString());
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a checkpoint as JSON", e);
    }
  }

  /**
   * Reads a checkpoint back.
   *
   * @throws IllegalArgumentException when the bytes are not a checkpoint of a known format; the
   *     message names the field, never its value
   */
  public static Checkpoint decode(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    int format = requireInt(root, "format");
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "checkpoint format "
              + format
              + " is not known to this version (it reads "
              + FORMAT
              + ")");
    }
    JsonNode p = root.get("progress");
    if (p == null || !p.isObject()) {
      throw new IllegalArgumentException("missing object field progress");
    }
    JsonNode h = p.get("header");
    if (h == null || !h.isArray()) {
      throw new IllegalArgumentException("missing array field progress.header");
    }
    List<String> header = new ArrayList<>(h.size());
    for (JsonNode column : h) {
      if (!column.isTextual()) {
        throw new IllegalArgumentException("progress.header holds a non-string");
      }
      header.add(column.asText());
    }
    ReadProgress progress =
        new ReadProgress(
            requireLong(p, "rowsDone"),
            requireLong(p, "nextLine"),
            requireLong(p, "nextByteOffset"),
            header);
    JsonNode complete = root.get("complete");
    if (complete == null || !complete.isBoolean()) {
      throw new IllegalArgumentException("missing boolean field complete");
    }
    String lease = optionalText(root, "leaseUntil");
    Instant leaseUntil;
    try {
      leaseUntil = lease == null ? null : Instant.parse(lease);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("leaseUntil is not an ISO-8601 instant", e);
    }
    String objectUri = optionalText(root, "objectUri");
    if (objectUri == null) {
      throw new IllegalArgumentException("missing string field objectUri");
    }
    return new Checkpoint(
        objectUri,
        optionalText(root, "objectVersion"),
        progress,
        complete.booleanValue(),
        optionalText(root, "owner"),
        leaseUntil);
  }

  private static int requireInt(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isInt()) {
      throw new IllegalArgumentException("missing integer field " + field);
    }
    return v.intValue();
  }

  private static long requireLong(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("missing integer field progress." + field);
    }
    return v.longValue();
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field " + field + " is not a string");
    }
    return v.asText();
  }
}
