package io.cdckinesis.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.SerializedString;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Encodes change records as the JSON envelope on the stream and decodes them back. The envelope is
 * the DMS Kinesis target's ({@code {"data": {...}, "metadata": {...}}}), so consumers written for
 * DMS keep working, plus fields of ours in {@code metadata}: {@code primary-key}, {@code
 * source-uri}, {@code source-row} and {@code source-line}, and, when they are not the defaults,
 * {@code source-generation} (the table's load generation, default 0), {@code source-revision} (the
 * object's revision within it, default 1) and {@code source-version} (its ETag or version id).
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
 * booleans, null; dates and timestamps as ISO-8601 strings; the floating-point values JSON has no
 * number for as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}. Decoding
 * gives {@link Long} or {@link BigInteger} for integers and {@link BigDecimal} for other numbers;
 * with table definitions that declare types, date and timestamp strings become {@link LocalDate}
 * and {@link LocalDateTime}, the special strings of a DECIMAL column {@link Double}, and numbers
 * take their column's type, so that {@code decode(encode(r))} equals {@code r}.
 *
 * <p>Columns DMS did not supply in a change ({@link ChangeRecord#unsupplied()}) are left out of
 * {@code data} and listed in {@code metadata} as {@code "unsupplied-columns": [...]} (only when
 * there are some): a consumer keeps their stored values.
 *
 * <p>Oversize records travel as a pointer envelope ({@code "record-type": "pointer"}, no {@code
 * data}) naming where the full envelope is stored. Control records ({@code "record-type":
 * "control"}, {@link ControlRecord}) carry a {@code control} object with the {@code reason} and,
 * for column changes, the {@code columns}. Instances are immutable and thread-safe.
 */
public final class EnvelopeCodec {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final EnvelopeCodec UNTYPED = new EnvelopeCodec(TableDefinitions.empty());
  private static final String UNSUPPLIED = "unsupplied-columns";

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
    DataWriter writer = DataWriter.THREAD.get();
    try {
      return writer.encode(record);
    } catch (IOException | RuntimeException e) {
      DataWriter.THREAD.remove(); // its generator may be mid-object: start afresh
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
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
    } catch (JsonProcessingException e) {
      // Jackson's messages quote the input (a token, a number, the text around it), which may be
      // row values: say where and what kind, and keep Jackson's exception out of the chain.
      throw new EnvelopeException("not a JSON envelope: " + describe(e));
    } catch (IOException e) {
      throw new EnvelopeException(
          "not a JSON envelope: cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String what =
        e instanceof JsonEOFException
            ? "the JSON ends early"
            : e instanceof InputCoercionException ? "a number is out of range" : "invalid JSON";
    return at == null ? what : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
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
    if (e instanceof Envelope.Pointer p) {
      throw new EnvelopeException("expected a data envelope, got a pointer for " + p.position());
    }
    throw new EnvelopeException("expected a data envelope, got a control record for " + e.table());
  }

  /** The envelope of a control record, as UTF-8 JSON bytes. */
  public byte[] encodeControl(ControlRecord record) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("control");
      if (record.reason() != null) {
        g.writeStringField("reason", record.reason());
      }
      if (!record.columns().isEmpty()) {
        g.writeArrayFieldStart("columns");
        for (String c : record.columns()) {
          g.writeString(c);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("metadata");
      if (record.timestamp() != null) {
        g.writeStringField("timestamp", formatInstant(record.timestamp()));
      }
      g.writeStringField("record-type", "control");
      g.writeStringField("operation", record.operation().wireName());
      g.writeStringField("partition-key-type", "schema-table");
      g.writeStringField("schema-name", record.table().schema());
      g.writeStringField("table-name", record.table().table());
      writeSource(g, record.source());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
    return out.toByteArray();
  }

  /** The file fields of a position: the URI, then generation, revision and version when set. */
  private static void writeSource(JsonGenerator g, SourceFile f) throws IOException {
    g.writeStringField("source-uri", f.uri());
    writeVersionFields(g, f);
  }

  private static void writeVersionFields(JsonGenerator g, SourceFile f) throws IOException {
    if (f.generation() != 0) {
      g.writeNumberField("source-generation", f.generation());
    }
    if (f.revision() != 1) {
      g.writeNumberField("source-revision", f.revision());
    }
    if (f.version() != null) {
      g.writeStringField("source-version", f.version());
    }
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
    writeUnsupplied(g, r);
    g.writeStringField("source-uri", r.position().objectUri());
    g.writeNumberField("source-row", r.position().row());
    g.writeNumberField("source-line", r.position().line());
    writeVersionFields(g, r.position().file());
    if (pointer != null) {
      g.writeStringField("payload-uri", pointer.uri());
      g.writeNumberField("payload-size", pointer.size());
      g.writeStringField("payload-sha256", pointer.sha256());
    }
    g.writeEndObject();
  }

  private static void writeUnsupplied(JsonGenerator g, ChangeRecord r) throws IOException {
    if (r.isPartial()) {
      g.writeArrayFieldStart(UNSUPPLIED);
      for (String c : r.unsupplied()) {
        g.writeString(c);
      }
      g.writeEndArray();
    }
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
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      g.writeString(d.toString()); // NaN, Infinity, -Infinity: JSON has no number for them
    } else if (v instanceof Number n) {
      g.writeNumber(new BigDecimal(n.toString()));
    } else {
      g.writeString(v.toString());
    }
  }

  /** DMS writes microseconds; keep nanoseconds when a source has them. */
  static String formatInstant(Instant t) {
    if (t.getNano() % 1000 != 0) {
      return t.toString();
    }
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    int year = d.getYear();
    if (year < 0 || year > 9999) {
      return MICROS.format(t);
    }
    // the formatter costs about a microsecond; every record has a timestamp
    char[] c = new char[27];
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, d.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, d.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, d.getHour(), 2);
    c[13] = ':';
    digits(c, 14, d.getMinute(), 2);
    c[16] = ':';
    digits(c, 17, d.getSecond(), 2);
    c[19] = '.';
    digits(c, 20, d.getNano() / 1000, 6);
    c[26] = 'Z';
    return new String(c);
  }

  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Writes data envelopes on one thread, reusing one generator and its buffer, and the encoded
   * forms of what repeats from record to record (field names, a table's column names, the object
   * URI, the timestamp): encoding is on the hot path of every record.
   */
  private static final class DataWriter {

    static final ThreadLocal<DataWriter> THREAD = ThreadLocal.withInitial(DataWriter::new);

    private static final int KEEP_BUFFER_BYTES = 1 << 20;
    private static final SerializedString DATA = new SerializedString("data");
    private static final SerializedString METADATA = new SerializedString("metadata");
    private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializedString RECORD_TYPE = new SerializedString("record-type");
    private static final SerializedString OPERATION = new SerializedString("operation");
    private static final SerializedString KEY_TYPE = new SerializedString("partition-key-type");
    private static final SerializedString SCHEMA = new SerializedString("schema-name");
    private static final SerializedString TABLE = new SerializedString("table-name");
    private static final SerializedString PRIMARY_KEY = new SerializedString("primary-key");
    private static final SerializedString SOURCE_URI = new SerializedString("source-uri");
    private static final SerializedString SOURCE_ROW = new SerializedString("source-row");
    private static final SerializedString SOURCE_LINE = new SerializedString("source-line");
    private static final SerializedString BY_PRIMARY_KEY = new SerializedString("primary-key");
    private static final SerializedString BY_TABLE = new SerializedString("schema-table");
    private static final SerializedString[] OPERATIONS =
        new SerializedString[Operation.values().length];

    static {
      for (Operation op : Operation.values()) {
        OPERATIONS[op.ordinal()] = new SerializedString(op.wireName());
      }
    }

    private final Sink sink = new Sink();
    private final JsonGenerator g;

    private List<String> columns;
    private SerializedString[] columnNames;
    private List<String> key;
    private SerializedString[] keyNames;
    private String uri;
    private SerializedString uriText;
    private String schema;
    private SerializedString schemaText;
    private String table;
    private SerializedString tableText;
    private Instant timestamp;
    private String timestampText;

    DataWriter() {
      try {
        g = JSON.createGenerator(sink);
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a JSON generator in memory", e);
      }
      g.setRootValueSeparator(null); // one envelope per call, nothing between them
    }

    byte[] encode(ChangeRecord r) throws IOException {
      sink.reset();
      g.writeStartObject();
      g.writeFieldName(DATA);
      g.writeStartObject();
      SerializedString[] names = columnNames(r.columns());
      List<Object> values = r.values();
      for (int i = 0; i < names.length; i++) {
        g.writeFieldName(names[i]);
        writeValue(g, values.get(i));
      }
      g.writeEndObject();
      g.writeFieldName(METADATA);
      g.writeStartObject();
      if (r.commitTimestamp() != null) {
        g.writeFieldName(TIMESTAMP);
        g.writeString(timestamp(r.commitTimestamp()));
      }
      g.writeFieldName(RECORD_TYPE);
      g.writeString(DATA);
      g.writeFieldName(OPERATION);
      g.writeString(OPERATIONS[r.operation().ordinal()]);
      SerializedString[] keyNames = keyNames(r.primaryKey());
      g.writeFieldName(KEY_TYPE);
      g.writeString(keyNames.length == 0 ? BY_TABLE : BY_PRIMARY_KEY);
      g.writeFieldName(SCHEMA);
      g.writeString(schema(r.schema()));
      g.writeFieldName(TABLE);
      g.writeString(table(r.table()));
      if (keyNames.length > 0) {
        g.writeFieldName(PRIMARY_KEY);
        g.writeStartArray();
        for (SerializedString k : keyNames) {
          g.writeString(k);
        }
        g.writeEndArray();
      }
      writeUnsupplied(g, r);
      SourcePosition p = r.position();
      g.writeFieldName(SOURCE_URI);
      g.writeString(uri(p.objectUri()));
      g.writeFieldName(SOURCE_ROW);
      g.writeNumber(p.row());
      g.writeFieldName(SOURCE_LINE);
      g.writeNumber(p.line());
      writeVersionFields(g, p.file());
      g.writeEndObject();
      g.writeEndObject();
      g.flush();
      return sink.takeBytes();
    }

    private SerializedString[] columnNames(List<String> names) {
      if (names != columns) {
        if (columns == null || !names.equals(columns)) {
          columnNames = serialized(names);
        }
        columns = names;
      }
      return columnNames;
    }

    private SerializedString[] keyNames(List<String> names) {
      if (names != key) {
        if (key == null || !names.equals(key)) {
          keyNames = serialized(names);
        }
        key = names;
      }
      return keyNames;
    }

    private SerializedString uri(String s) {
      if (!s.equals(uri)) {
        uri = s;
        uriText = new SerializedString(s);
      }
      return uriText;
    }

    private SerializedString schema(String s) {
      if (!s.equals(schema)) {
        schema = s;
        schemaText = new SerializedString(s);
      }
      return schemaText;
    }

    private SerializedString table(String s) {
      if (!s.equals(table)) {
        table = s;
        tableText = new SerializedString(s);
      }
      return tableText;
    }

    private String timestamp(Instant t) {
      if (!t.equals(timestamp)) {
        timestamp = t;
        timestampText = formatInstant(t);
      }
      return timestampText;
    }

    private static SerializedString[] serialized(List<String> names) {
      SerializedString[] out = new SerializedString[names.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = new SerializedString(names.get(i));
      }
      return out;
    }

    /** A growable byte buffer the generator writes into. */
    private static final class Sink extends java.io.OutputStream {
      private byte[] buf = new byte[4096];
      private int count;

      void reset() {
        count = 0;
      }

      byte[] takeBytes() {
        byte[] out = java.util.Arrays.copyOf(buf, count);
        if (buf.length > KEEP_BUFFER_BYTES) {
          buf = new byte[4096]; // a huge record's buffer is not kept per thread
        }
        return out;
      }

      @Override
      public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
      }

      private void ensure(int more) {
        if (count + more > buf.length) {
          buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
      }
    }
  }

  private Envelope read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new EnvelopeException("not a JSON object");
    }
    List<String> columns = null;
    List<Object> values = null;
    Metadata m = null;
    Control control = null;
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
      } else if ("control".equals(field) && t == JsonToken.START_OBJECT) {
        control = readControl(p);
      } else {
        p.skipChildren();
      }
    }
    if (m == null) {
      throw new EnvelopeException("no metadata object");
    }
    if ("control".equals(m.recordType)) {
      return control(m, control == null ? new Control() : control);
    }
    m.requireComplete();
    TableId table = TableId.of(m.schema, m.table);
    SourcePosition position = new SourcePosition(m.sourceFile(), m.sourceRow, m.sourceLine);
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
      throw new EnvelopeException(
          "record-type " + m.recordType + " is not data, pointer or control");
    }
    if (columns == null) {
      throw new EnvelopeException("data envelope without a data object at " + position);
    }
    retype(table, columns, values, position);
    try {
      return new Envelope.Data(
          new ChangeRecord(
              op,
              m.schema,
              m.table,
              columns,
              values,
              m.primaryKey,
              m.timestamp,
              position,
              new LinkedHashSet<>(m.unsupplied)));
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException("inconsistent envelope at " + position + ": " + e.getMessage());
    }
  }

  private static Envelope control(Metadata m, Control c) {
    m.requireTable();
    ControlOperation op;
    try {
      op = ControlOperation.fromWireName(m.operation);
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException(
          "unknown control operation " + m.operation + " for " + m.schema + "." + m.table);
    }
    if (m.sourceUri == null) {
      throw new EnvelopeException("control envelope metadata lacks source-uri");
    }
    return new Envelope.Control(
        new ControlRecord(
            op, TableId.of(m.schema, m.table), m.sourceFile(), m.timestamp, c.reason, c.columns));
  }

  private static Control readControl(JsonParser p) throws IOException {
    Control c = new Control();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if ("reason".equals(f) && t == JsonToken.VALUE_STRING) {
        c.reason = p.getText();
      } else if ("columns".equals(f) && t == JsonToken.START_ARRAY) {
        List<String> names = new ArrayList<>();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
          names.add(p.getText());
        }
        c.columns = names;
      } else {
        p.skipChildren();
      }
    }
    return c;
  }

  private static final class Control {
    String reason;
    List<String> columns = List.of();
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
        // Without the cause: its message quotes the value.
        throw new EnvelopeException(
            "column " + columns.get(i) + " at " + position + " is not a valid " + type);
      }
    }
  }

  private static Object retype(ColumnType type, Object v) {
    return switch (type) {
      case DECIMAL ->
          v instanceof Long l
              ? BigDecimal.valueOf(l)
              : v instanceof BigInteger b
                  ? new BigDecimal(b)
                  : v instanceof String s && ValueParsers.specialDouble(s) != null
                      ? ValueParsers.specialDouble(s)
                      : v;
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
        case "source-generation" -> m.sourceGeneration = p.getValueAsLong(-1);
        case "source-revision" -> m.sourceRevision = p.getValueAsInt(0);
        case "source-version" -> m.sourceVersion = p.getValueAsString();
        case "payload-uri" -> m.payloadUri = p.getValueAsString();
        case "payload-size" -> m.payloadSize = p.getValueAsLong(-1);
        case "payload-sha256" -> m.payloadSha256 = p.getValueAsString();
        case "primary-key" -> {
          if (t == JsonToken.START_ARRAY) {
            m.primaryKey = strings(p);
          }
        }
        case UNSUPPLIED -> {
          if (t == JsonToken.START_ARRAY) {
            m.unsupplied = strings(p);
          }
        }
        default -> p.skipChildren();
      }
    }
    return m;
  }

  private static List<String> strings(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      out.add(p.getText());
    }
    return out;
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new EnvelopeException("metadata.timestamp is not an ISO-8601 instant");
    }
  }

  private static final class Metadata {
    Instant timestamp;
    String recordType;
    String operation;
    String schema;
    String table;
    List<String> primaryKey = List.of();
    List<String> unsupplied = List.of();
    String sourceUri;
    long sourceRow = -1;
    long sourceLine = -1;
    long sourceGeneration = 0;
    int sourceRevision = 1;
    String sourceVersion;
    String payloadUri;
    long payloadSize = -1;
    String payloadSha256;

    SourceFile sourceFile() {
      if (sourceGeneration < 0) {
        throw new EnvelopeException("metadata.source-generation must be a number >= 0");
      }
      if (sourceRevision < 1) {
        throw new EnvelopeException("metadata.source-revision must be a number >= 1");
      }
      return new SourceFile(sourceUri, sourceGeneration, sourceRevision, sourceVersion);
    }

    void requireTable() {
      if (schema == null || table == null || operation == null) {
        throw new EnvelopeException(
            "control envelope metadata lacks schema-name, table-name or operation");
      }
    }

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
