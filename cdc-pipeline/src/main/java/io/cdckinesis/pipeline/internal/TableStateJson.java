package io.cdckinesis.pipeline.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.ReadProgress;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link TableState}: every field named, with a format number so that a later
 * layout can still read this one. Instants are ISO-8601 UTC.
 */
public final class TableStateJson {

  static final int FORMAT = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TableStateJson() {}

  public static byte[] encode(TableState s) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("unit", s.unit());
    if (s.lease() != null) {
      ObjectNode l = root.putObject("lease");
      l.put("owner", s.lease().owner());
      l.put("token", s.lease().token());
      l.put("until", s.lease().until().toString());
    }
    root.put("leaseToken", s.leaseToken());
    root.put("generation", s.generation());
    root.put("generationReason", s.generationReason());
    root.put("announced", s.announced());
    root.put("changesStarted", s.changesStarted());
    ArrayNode loads = root.putArray("loads");
    s.loads().values().forEach(v -> version(loads.addObject(), v));
    ArrayNode retired = root.putArray("retired");
    s.retired().forEach(v -> version(retired.addObject(), v));
    root.put("cursor", s.cursor());
    if (s.current() != null) {
      ObjectNode c = root.putObject("current");
      version(c.putObject("version"), s.current().version());
      c.put("revision", s.current().revision());
      ReadProgress p = s.current().progress();
      ObjectNode progress = c.putObject("progress");
      progress.put("rowsDone", p.rowsDone());
      progress.put("nextLine", p.nextLine());
      progress.put("nextByteOffset", p.nextByteOffset());
      ArrayNode header = progress.putArray("header");
      p.header().forEach(header::add);
    }
    ArrayNode columns = root.putArray("columns");
    s.columns().forEach(columns::add);
    root.put("savedAt", s.savedAt() == null ? null : s.savedAt().toString());
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a table state as JSON", e);
    }
  }

  /**
   * Reads a table state back.
   *
   * @throws IllegalArgumentException when the bytes are not a table state of a known format
   */
  public static TableState decode(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw new IllegalArgumentException(
          "table state format " + root.path("format") + " is not known (this version reads 1)");
    }
    TableState.Lease lease = null;
    JsonNode l = root.get("lease");
    if (l != null && l.isObject()) {
      lease =
          new TableState.Lease(
              text(l, "owner"), l.path("token").asLong(), instant(text(l, "until")));
    }
    Map<String, FileVersion> loads = new LinkedHashMap<>();
    for (JsonNode v : root.path("loads")) {
      FileVersion f = version(v);
      loads.put(f.key(), f);
    }
    List<FileVersion> retired = new ArrayList<>();
    for (JsonNode v : root.path("retired")) {
      retired.add(version(v));
    }
    TableState.InProgress current = null;
    JsonNode c = root.get("current");
    if (c != null && c.isObject()) {
      JsonNode p = c.path("progress");
      List<String> header = new ArrayList<>();
      p.path("header").forEach(h -> header.add(h.asText()));
      current =
          new TableState.InProgress(
              version(c.path("version")),
              c.path("revision").asInt(1),
              new ReadProgress(
                  p.path("rowsDone").asLong(),
                  p.path("nextLine").asLong(1),
                  p.path("nextByteOffset").asLong(),
                  header));
    }
    List<String> columns = new ArrayList<>();
    root.path("columns").forEach(n -> columns.add(n.asText()));
    String savedAt = optionalText(root, "savedAt");
    return new TableState(
        text(root, "unit"),
        lease,
        root.path("leaseToken").asLong(),
        root.path("generation").asLong(),
        optionalText(root, "generationReason"),
        root.path("announced").asBoolean(true),
        root.path("changesStarted").asBoolean(),
        loads,
        retired,
        optionalText(root, "cursor"),
        current,
        columns,
        savedAt == null ? null : instant(savedAt));
  }

  private static void version(ObjectNode n, FileVersion v) {
    n.put("key", v.key());
    n.put("eTag", v.eTag());
    n.put("lastModified", v.lastModified().toString());
  }

  private static FileVersion version(JsonNode n) {
    return new FileVersion(text(n, "key"), text(n, "eTag"), instant(text(n, "lastModified")));
  }

  private static String text(JsonNode n, String field) {
    String v = optionalText(n, field);
    if (v == null) {
      throw new IllegalArgumentException("missing string field " + field);
    }
    return v;
  }

  private static String optionalText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 instant", e);
    }
  }
}
