package io.cdckinesis.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.cdckinesis.core.internal.ValueParsers;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Encodes change records as the JSON envelope on the stream and decodes them back. The envelope is
 * the DMS Kinesis target's ({@code {"data": {...}, "metadata": {...}}}), so consumers written for
 * DMS keep working, plus fields of ours in {@code metadata}: {@code primary-key}, {@code
 * source-uri}, {@code source-row} and {@code source-line}.
 *
 * <pre>{@code
 * {"data": {"id": 7, "name": "Ann"},
 *  "metadata": {"timestamp": "2026-01-02T03:04:05.123456Z", "record-type": "data",
 *    "operation": "update", "partition-key-type": "primary-key",
 *    "schema-name": "dbo", "table-name": "Customer", "primary-key": ["id"],
 *    "source-uri": "s3://bucket/dbo/Customer/20260102-030405123.csv",
 *    "source-row": 17, "source-line": 18}}
 * }</pre>
 *
 * <p>Values: strings, numbers (integers and decimals written exactly, never in exponent form),
 * booleans, null; dates and timestamps as ISO-8601 strings. Decoding gives {@link Long} or {@link
 * BigInteger} for integers and {@link BigDecimal} for other numbers; with table definitions that
 * declare types, date and timestamp strings become {@link LocalDate} and {@link LocalDateTime} and
 * numbers take their column's type, so that {@code decode(encode(r))} equals {@code r}.
 *
 * <p>Oversize records travel as a pointer envelope ({@code "record-type": "pointer"}, no {@code
 * data}) naming where the full envelope is stored. Instances are immutable and thread-safe.
 */
public final class EnvelopeCodec {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final EnvelopeCodec UNTYPED = new EnvelopeCodec(TableDefinitions.empty());

  private final TableDefinitions tables;

  private EnvelopeCodec(TableDefinitions tables) {
    this.tables = Objects.requireNonNull(tables, "tables");
  }

  /** A codec without table definitions: decoded values are strings, numbers and booleans. */
  public static EnvelopeCodec create() {
    return UNTYPED;
  }

  /** A codec that restores the declared column types when decoding. */
  public static EnvelopeCodec withTables(TableDefinitions tables) {
    return tables.isEmpty() ? UNTYPED : new EnvelopeCodec(tables);
  }

  /** The envelope of a record, as UTF-8 JSON bytes. */
  public byte[] encode(ChangeRecord record) {
    ByteArrayBuilder out = new ByteArrayBuilder(256 + 24 * record.columns().size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("data");
      g.writeStartObject();
      List<String> columns = record.columns();
      List<Object> values = record.values();
      for (int i = 0; i < columns.size(); i++) {
        g.writeFieldName(columns.get(i));
        writeValue(g, values.get(i));
      }
      g.writeEndObject();
      writeMetadata(g, record, "data", record.primaryKey(), null);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
    return out.toByteArray();
  }

  /** A pointer envelope: the record's metadata and where its full envelope is stored. */
  public byte[] encodePointer(ChangeRecord record, PayloadPointer pointer) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      writeMetadata(g, record, "pointer", record.primaryKey(), pointer);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes an envelope.
   *
   * @throws EnvelopeException when the bytes are not JSON, not an envelope, or lack the source
   *     position this library writes
   */
  public Envelope decode(byte[] bytes) {
    try (JsonParser p = JSON.createParser(bytes)) {
      return read(p);
    } catch (IOException e) {
      throw new EnvelopeException("not a JSON envelope: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes an envelope that must carry its data.
   *
   * @throws EnvelopeException also when it is a pointer
   */
  public ChangeRecord decodeRecord(byte[] bytes) {
    Envelope e = decode(bytes);
    if (e instanceof Envelope.Data data) {
      return data.record();
    }
    throw new EnvelopeException("expected a data envelope, got a pointer for " + e.position());
  }

  private static void writeMetadata(
      JsonGenerator g, ChangeRecord r, String recordType, List<String> key, PayloadPointer pointer)
      throws IOException {
    g.writeFieldName("metadata");
    g.writeStartObject();
    if (r.commitTimestamp() != null) {
      g.writeStringField("timestamp", formatInstant(r.commitTimestamp()));
    }
    g.writeStringField("record-type", recordType);
    g.writeStringField("operation", r.operation().wireName());
    g.writeStringField("partition-key-type", key.isEmpty() ? "schema-table" : "primary-key");
    g.writeStringField("schema-name", r.schema());
    g.writeStringField("table-name", r.table());
    if (!key.isEmpty()) {
      g.writeArrayFieldStart("primary-key");
      for (String k : key) {
        g.writeString(k);
      }
      g.writeEndArray();
    }
    g.writeStringField("source-uri", r.position().objectUri());
    g.writeNumberField("source-row", r.position().row());
    g.writeNumberField("source-line", r.position().line());
    if (pointer != null) {
      g.writeStringField("payload-uri", pointer.uri());
      g.writeNumberField("payload-size", pointer.size());
      g.writeStringField("payload-sha256", pointer.sha256());
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof BigInteger b) {
      g.writeNumber(b);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof LocalDateTime t) {
      g.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
    } else if (v instanceof LocalDate d) {
      g.writeString(d.toString());
    } else if (v instanceof Instant i) {
      g.writeString(formatInstant(i));
    } else if (v instanceof byte[] b) {
      g.writeString(Base64.getEncoder().encodeToString(b));
    } else if (v instanceof Number n) {
      g.writeNumber(new BigDecimal(n.toString()));
    } else {
      g.writeString(v.toString());
    }
  }

  /** DMS writes microseconds; keep nanoseconds when a source has them. */
  private static String formatInstant(Instant t) {
    return t.getNano() % 1000 == 0 ? MICROS.format(t) : t.toString();
  }

  private Envelope read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new EnvelopeException("not a JSON object");
    }
    List<String> columns = null;
    List<Object> values = null;
    Metadata m = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if ("data".equals(field) && t == JsonToken.START_OBJECT) {
        columns = new ArrayList<>();
        values = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          columns.add(p.currentName());
          values.add(readScalar(p, p.nextToken()));
        }
      } else if ("metadata".equals(field) && t == JsonToken.START_OBJECT) {
        m = readMetadata(p);
      } else {
        p.skipChildren();
      }
    }
    if (m == null) {
      throw new EnvelopeException("no metadata object");
    }
    m.requireComplete();
    TableId table = TableId.of(m.schema, m.table);
    SourcePosition position = new SourcePosition(m.sourceUri, m.sourceRow, m.sourceLine);
    Operation op;
    try {
      op = Operation.fromWireName(m.operation);
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException("unknown operation " + m.operation + " at " + position);
    }
    if ("pointer".equals(m.recordType)) {
      if (m.payloadUri == null || m.payloadSha256 == null || m.payloadSize < 0) {
        throw new EnvelopeException("pointer without payload-uri/size/sha256 at " + position);
      }
      return new Envelope.Pointer(
          new PayloadPointer(m.payloadUri, m.payloadSize, m.payloadSha256), op, table, position);
    }
    if (!"data".equals(m.recordType)) {
      throw new EnvelopeException("record-type " + m.recordType + " is not data or pointer");
    }
    if (columns == null) {
      throw new EnvelopeException("data envelope without a data object at " + position);
    }
    retype(table, columns, values, position);
    try {
      return new Envelope.Data(
          new ChangeRecord(
              op, m.schema, m.table, columns, values, m.primaryKey, m.timestamp, position));
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException("inconsistent envelope at " + position + ": " + e.getMessage());
    }
  }

  private static Object readScalar(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getBigIntegerValue()
            : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue();
      default:
        throw new EnvelopeException(
            "data values must be scalars, found " + t + " for " + p.currentName());
    }
  }

  private void retype(
      TableId table, List<String> columns, List<Object> values, SourcePosition position) {
    TableDefinition def = tables.find(table).orElse(null);
    if (def == null || def.types().isEmpty()) {
      return;
    }
    for (int i = 0; i < columns.size(); i++) {
      Object v = values.get(i);
      ColumnType type = def.typeOf(columns.get(i));
      if (v == null || type == ColumnType.STRING) {
        continue;
      }
      try {
        values.set(i, retype(type, v));
      } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
        throw new EnvelopeException(
            "column " + columns.get(i) + " at " + position + " is not a valid " + type, e);
      }
    }
  }

  private static Object retype(ColumnType type, Object v) {
    return switch (type) {
      case DECIMAL ->
          v instanceof Long l
              ? BigDecimal.valueOf(l)
              : v instanceof BigInteger b ? new BigDecimal(b) : v;
      case INTEGER -> v instanceof BigDecimal d ? ValueParsers.parseInteger(d.toPlainString()) : v;
      case DATE -> v instanceof String s ? ValueParsers.parseDate(s) : v;
      case TIMESTAMP -> v instanceof String s ? ValueParsers.parseLocalDateTime(s) : v;
      case BOOLEAN -> v instanceof String s ? ValueParsers.parseBoolean(s) : v;
      case STRING -> v;
    };
  }

  private static Metadata readMetadata(JsonParser p) throws IOException {
    Metadata m = new Metadata();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "timestamp" -> m.timestamp = t == JsonToken.VALUE_STRING ? instant(p.getText()) : null;
        case "record-type" -> m.recordType = p.getValueAsString();
        case "operation" -> m.operation = p.getValueAsString();
        case "schema-name" -> m.schema = p.getValueAsString();
        case "table-name" -> m.table = p.getValueAsString();
        case "source-uri" -> m.sourceUri = p.getValueAsString();
        case "source-row" -> m.sourceRow = p.getValueAsLong(-1);
        case "source-line" -> m.sourceLine = p.getValueAsLong(-1);
        case "payload-uri" -> m.payloadUri = p.getValueAsString();
        case "payload-size" -> m.payloadSize = p.getValueAsLong(-1);
        case "payload-sha256" -> m.payloadSha256 = p.getValueAsString();
        case "primary-key" -> {
          if (t == JsonToken.START_ARRAY) {
            List<String> key = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_STRING) {
              key.add(p.getText());
            }
            m.primaryKey = key;
          }
        }
        default -> p.skipChildren();
      }
    }
    return m;
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new EnvelopeException("metadata.timestamp is not an ISO-8601 instant", e);
    }
  }

  private static final class Metadata {
    Instant timestamp;
    String recordType;
    String operation;
    String schema;
    String table;
    List<String> primaryKey = List.of();
    String sourceUri;
    long sourceRow = -1;
    long sourceLine = -1;
    String payloadUri;
    long payloadSize = -1;
    String payloadSha256;

    void requireComplete() {
      List<String> missing = new ArrayList<>();
      if (recordType == null) {
        missing.add("record-type");
      }
      if (operation == null) {
        missing.add("operation");
      }
      if (schema == null) {
        missing.add("schema-name");
      }
      if (table == null) {
        missing.add("table-name");
      }
      if (sourceUri == null) {
        missing.add("source-uri");
      }
      if (sourceRow < 1) {
        missing.add("source-row");
      }
      if (sourceLine < 1) {
        missing.add("source-line");
      }
      if (!missing.isEmpty()) {
        throw new EnvelopeException("envelope metadata lacks " + String.join(", ", missing));
      }
    }
  }
}
