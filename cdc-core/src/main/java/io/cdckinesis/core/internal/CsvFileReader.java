package io.cdckinesis.core.internal;

import com.univocity.parsers.common.ParsingContext;
import com.univocity.parsers.csv.CsvFormat;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import io.cdckinesis.core.BadInputException;
import io.cdckinesis.core.BadInputReason;
import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.DmsFileName;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.RejectSink;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one DMS CSV file with univocity's streaming parser, in constant memory.
 *
 * <p>univocity splits rows and fields; this class decides what the fields mean (Op, timestamp and
 * data columns, by header or by configuration), types the values, rejects bad rows and keeps the
 * exact position of the next row: its line (counted from the {@code \n} characters) and its byte
 * offset in the uncompressed bytes (from the characters univocity consumed, mapped to bytes by
 * {@link CountingUtf8Reader}).
 *
 * <p>Damage that makes the rest of the file untrustworthy (an unterminated quote, a row univocity
 * cannot parse, corrupt gzip, a row without end) ends the file with a {@link BadInputException}
 * whatever the bad-row policy, after every good row before it was returned. Progress then stays
 * after the last good row, so nothing is skipped by a checkpoint taken after the failure.
 */
public final class CsvFileReader implements DmsFileReader {

  /** Characters univocity asks for at a time; also bounds the reader's look-ahead. */
  static final int BUFFER_CHARS = 64 * 1024;

  /** Bytes read from the object at a time. */
  static final int BUFFER_BYTES = 64 * 1024;

  /**
   * The longest row accepted, in characters. Bounds the memory an unclosed quote can take (the row
   * then runs to the end of the file); DMS LOB values in limited LOB mode are far shorter.
   */
  public static final int MAX_ROW_CHARS = 8 * 1024 * 1024;

  /** The most fields a row may have (DMS sources allow at most a few thousand columns). */
  public static final int MAX_FIELDS = 8192;

  /** Stands for "no quote character" when Rfc4180 is off: a noncharacter no text should hold. */
  private static final char NO_QUOTE = '\uFFFF';

  private static final int TXN_TABLE_FIELDS = 2;

  private final DmsCsvSettings settings;
  private final TableDefinitions tables;
  private final BadRowPolicy policy;
  private final RejectSink rejects;
  private final SourceFile file;
  private final String objectUri;
  private final DmsFileKind kind;
  private final DmsFileName fileName;
  private final InputStream source;

  private CountingUtf8Reader chars;
  private CsvParser parser;
  private ParsingContext context;

  /** CsvNullValue, or {@code null} when an unquoted empty field is NULL. */
  private final String nullToken;

  /** CsvNoSupValue in change files (UseCsvNoSupValue), or {@code null}. */
  private final String noSupToken;

  /**
   * With a token and RFC 4180 quotes are kept by univocity, to tell an unquoted token from the
   * quoted text {@code "NULL"}.
   */
  private final boolean stripQuotes;

  private final boolean rfc4180;

  private final Operation insertOp;
  private final Operation updateOp;
  private final Operation deleteOp;

  private long byteBase;
  private long lineBase;

  private List<String> header = List.of();
  private boolean hasOp;
  private Operation operationWithoutOp;

  /** The layout of a per-table file; {@code null} for CDC_TXN files. */
  private TableLayout layout;

  /** CDC_TXN layouts by table, bounded by the configured definitions. */
  private final Map<TableId, TableLayout> txnLayouts = new HashMap<>();

  private TableLayout lastTxnLayout;

  private long rowsDone;
  private long nextLine;
  private long nextByteOffset;
  private long rejected;

  private long pendingLine;
  private long pendingByteOffset;
  private CountingUtf8Reader.Malformed rowMalformed;

  /** The field indexes of the current row that hold CsvNoSupValue; {@code unsupplied} are set. */
  private int[] unsuppliedFields = new int[8];

  private int unsupplied;

  /** The first row this reader reads (after any resumed rows); rows before it were checked. */
  private long firstRow;

  /** Row and field count of the last row rejected for its field count, to tell a column change. */
  private long miscountedRow = -1;

  private long miscountedLine;
  private int miscountedFields;

  /** Whether the first row's line ending was compared with CsvRowDelimiter. */
  private boolean rowDelimiterChecked;

  private boolean finished;
  private RuntimeException failure;

  private String lastTimestampText;
  private Instant lastTimestamp;

  private BadInputReason rejectReason;
  private String rejectMessage;

  public CsvFileReader(
      DmsCsvReader config,
      RejectSink rejects,
      SourceFile file,
      DmsObjectKey key,
      InputStream in,
      ReadProgress from,
      boolean positioned) {
    this.settings = config.settings();
    this.tables = config.tables();
    this.policy = config.badRowPolicy();
    this.rejects = rejects;
    this.file = file;
    this.objectUri = file.uri();
    this.kind = key.kind();
    this.fileName = key.fileName();
    this.source = in;
    this.rfc4180 = settings.rfc4180();
    this.nullToken = settings.csvNullValue();
    // DMS marks unsupplied columns in change rows only (S3Settings CsvNoSupValue)
    this.noSupToken = kind.isChange() ? settings.noSupValue() : null;
    this.stripQuotes = (nullToken != null || noSupToken != null) && rfc4180;
    this.insertOp = kind == DmsFileKind.FULL_LOAD ? Operation.LOAD : Operation.INSERT;
    this.updateOp = kind.isChange() && !settings.cdcInsertsOnly() ? Operation.UPDATE : null;
    this.deleteOp =
        kind.isChange() && !settings.cdcInsertsOnly() && !settings.cdcInsertsAndUpdates()
            ? Operation.DELETE
            : null;
    boolean midway = positioned && from.nextByteOffset() > 0;
    if (midway && key.compressed()) {
      closeQuietly();
      throw new IllegalArgumentException(
          objectUri
              + ": a gzip object cannot be resumed from a byte offset; resume with positioned=false");
    }
    try {
      start(key, from, positioned, midway);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  private void start(DmsObjectKey key, ReadProgress from, boolean positioned, boolean midway) {
    InputStream input;
    try {
      input = ObjectInput.open(objectUri, key, source, !midway);
    } catch (IOException e) {
      throw new StoreException("cannot read " + objectUri + ": " + e.getMessage(), e, true);
    }
    chars = new CountingUtf8Reader(input, BUFFER_BYTES, MAX_ROW_CHARS + BUFFER_CHARS);
    byteBase = midway ? from.nextByteOffset() : 0;
    lineBase = midway ? from.nextLine() : 1;
    rowsDone = midway ? from.rowsDone() : 0;
    firstRow = from.rowsDone() + 1;
    rowDelimiterChecked = midway; // a resumed read was checked when the object was started
    nextLine = lineBase;
    nextByteOffset = byteBase;
    parser = new CsvParser(parserSettings());
    try {
      parser.beginParsing(chars);
    } catch (RuntimeException e) {
      throw fatal(e, nextLine);
    }
    context = parser.getContext();

    if (kind == DmsFileKind.CDC_TXN) {
      hasOp = settings.hasOpColumn(kind);
      operationWithoutOp = settings.operationWithoutOpColumn(kind);
    } else if (settings.addColumnName()) {
      if (midway) {
        header = from.header();
        if (header.isEmpty()) {
          throw new BadInputException(
              objectUri,
              nextLine,
              BadInputReason.INVALID_HEADER,
              "resuming mid-object needs the header in the progress, which has none");
        }
      } else {
        header = readHeader();
      }
      hasOp = "Op".equals(header.get(0));
      operationWithoutOp = settings.operationWithoutOpColumn(kind);
      Optional<TableDefinition> definition = tables.find(key.table());
      try {
        layout =
            TableLayout.fromHeader(
                key.table(),
                header,
                hasOp ? 1 : 0,
                settings.timestampColumnName(),
                definition.orElse(null));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(
            objectUri, midway ? 0 : 1, BadInputReason.INVALID_HEADER, e.getMessage());
      }
    } else {
      TableDefinition definition =
          tables
              .find(key.table())
              .filter(TableDefinition::hasColumns)
              .orElseThrow(
                  () ->
                      new BadInputException(
                          objectUri,
                          0,
                          BadInputReason.UNKNOWN_TABLE,
                          "the file has no header and no columns are configured for "
                              + key.table()));
      hasOp = settings.hasOpColumn(kind);
      operationWithoutOp = settings.operationWithoutOpColumn(kind);
      layout =
          TableLayout.fromDefinition(
              definition,
              definition.columnsFor(fileName),
              hasOp ? 1 : 0,
              settings.timestampColumnName());
    }
    if (!positioned && from.rowsDone() > 0) {
      skip(from.rowsDone());
    }
  }

  private CsvParserSettings parserSettings() {
    CsvParserSettings s = new CsvParserSettings();
    CsvFormat format = s.getFormat();
    format.setDelimiter(settings.delimiter());
    format.setLineSeparator(settings.csvRowDelimiter());
    format.setNormalizedNewline('\n');
    format.setComment('\0');
    char quote = rfc4180 ? '"' : NO_QUOTE;
    format.setQuote(quote);
    format.setQuoteEscape(quote);
    s.setCommentProcessingEnabled(false);
    s.setReadInputOnSeparateThread(false); // the byte mapping needs reads in parse order
    s.setInputBufferSize(BUFFER_CHARS);
    s.setMaxCharsPerColumn(-1); // grows as needed; the reader bounds a row's length
    s.setMaxColumns(MAX_FIELDS);
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setIgnoreLeadingWhitespacesInQuotes(false);
    s.setIgnoreTrailingWhitespacesInQuotes(false);
    s.setNormalizeLineEndingsWithinQuotes(false); // values keep their \r\n
    s.setSkipEmptyLines(false); // an empty line is a row (a one-column NULL, or a bad row)
    s.setUnescapedQuoteHandling(UnescapedQuoteHandling.RAISE_ERROR);
    s.setErrorContentLength(0); // no row content in univocity's messages
    s.setAutoClosingEnabled(true);
    if (nullToken == null) {
      s.setNullValue(null); // unquoted empty: NULL
      s.setEmptyValue(""); // quoted empty: empty string (kept quotes: "" until unquoted)
    } else {
      s.setNullValue("");
      s.setEmptyValue("");
    }
    s.setKeepQuotes(stripQuotes);
    return s;
  }

  private List<String> readHeader() {
    String[] fields = parseRow();
    if (fields == null) {
      throw new BadInputException(
          objectUri, 0, BadInputReason.EMPTY_OBJECT, "no header line: the data is empty");
    }
    if (rowMalformed != null) {
      throw new BadInputException(
          objectUri, 1, BadInputReason.INVALID_ENCODING, "the header is not valid UTF-8");
    }
    checkRowDelimiter(1);
    for (int i = 0; i < fields.length; i++) {
      if (fields[i] == null || fields[i].isEmpty()) {
        throw new BadInputException(
            objectUri, 1, BadInputReason.INVALID_HEADER, "header field " + (i + 1) + " is empty");
      }
      if (stripQuotes) {
        fields[i] = unquote(fields[i]);
      }
    }
    commitRow();
    return List.of(fields);
  }

  private void skip(long rows) {
    for (long i = 0; i < rows; i++) {
      if (parseRow() == null) {
        finish();
        return;
      }
      rowsDone++;
      commitRow();
    }
  }

  @Override
  public ChangeRecord read() {
    if (failure != null) {
      throw failure;
    }
    if (finished) {
      return null;
    }
    while (true) {
      String[] fields = parseRow();
      if (fields == null) {
        finish();
        return null;
      }
      long row = rowsDone + 1;
      long line = nextLine;
      if (!rowDelimiterChecked) {
        checkRowDelimiter(line);
      }
      ChangeRecord record;
      if (rowMalformed != null) {
        record = null;
        rejectReason = BadInputReason.INVALID_ENCODING;
        rejectMessage =
            "bytes that are not valid UTF-8 at byte offset "
                + (byteBase + rowMalformed.byteOffset())
                + " (line "
                + (line + rowMalformed.newlinesAfterBoundary())
                + ")";
      } else {
        record = interpret(fields, row, line);
      }
      if (record != null) {
        rowsDone = row;
        commitRow();
        return record;
      }
      String raw = rejectReason == BadInputReason.INVALID_ENCODING ? "" : rawRowText();
      RejectedRow bad = new RejectedRow(objectUri, row, line, rejectReason, rejectMessage, raw);
      if (policy == BadRowPolicy.FAIL) {
        throw fail(bad.toException());
      }
      rejects.reject(bad);
      rejected++;
      rowsDone = row;
      commitRow();
    }
  }

  /**
   * The next row's fields, or {@code null} at the end. Sets the pending progress (line and byte
   * offset after the row) and {@link #rowMalformed}; throws for damage that ends the file.
   */
  private String[] parseRow() {
    String[] fields;
    try {
      fields = parser.parseNext();
    } catch (RuntimeException e) {
      throw fail(fatal(e, nextLine));
    }
    if (chars.failure() != null && (fields == null || context.isStopped())) {
      // the input failed: a row ended by it is truncated, not complete
      throw fail(fatal(null, nextLine));
    }
    if (fields == null) {
      return null;
    }
    long end = context.currentChar();
    rowMalformed = chars.firstMalformedBefore(end);
    chars.advanceTo(end);
    pendingLine = lineBase + chars.newlinesBeforeBoundary();
    pendingByteOffset = byteBase + chars.bytesBeforeBoundary();
    if (rfc4180 && context.isStopped() && hasOddQuotes(context.currentParsedContent())) {
      throw fail(
          new BadInputException(
              objectUri,
              nextLine,
              BadInputReason.UNTERMINATED_QUOTE,
              "a quoted field is not closed before the end of the data"));
    }
    return fields;
  }

  private void commitRow() {
    nextLine = pendingLine;
    nextByteOffset = pendingByteOffset;
  }

  /** The fields of a row as a record, or {@code null} with {@link #rejectReason} set. */
  private ChangeRecord interpret(String[] fields, long row, long line) {
    unsupplied = 0;
    if (stripQuotes || nullToken != null || noSupToken != null) {
      applyTokens(fields);
    }
    int prefix = hasOp ? 1 : 0;
    TableLayout l = layout;
    if (l == null) {
      l = txnLayout(fields, prefix);
      if (l == null) {
        return null;
      }
    }
    if (fields.length != l.fieldCount) {
      return wrongFieldCount(l, fields, row, line);
    }
    Operation op = hasOp ? operation(fields[0]) : operationWithoutOp;
    if (op == null) {
      return reject(
          BadInputReason.UNKNOWN_OPERATION,
          "the Op field is not " + allowedCodes() + " in a " + kind + " file");
    }
    Instant timestamp = null;
    if (l.timestampField >= 0) {
      timestamp = timestamp(fields[l.timestampField]);
      if (timestamp == null) {
        return reject(
            BadInputReason.INVALID_VALUE,
            "timestamp column "
                + l.timestampColumn
                + " is not a DMS timestamp (yyyy-MM-dd HH:mm:ss.SSSSSS)");
      }
    }
    if (unsupplied > 0) {
      return partial(l, op, fields, timestamp, row, line);
    }
    List<Object> values;
    if (l.fieldsAreValues) {
      values = Arrays.asList((Object[]) fields);
    } else {
      Object[] v = new Object[l.fieldIndex.length];
      for (int i = 0; i < v.length; i++) {
        String text = fields[l.fieldIndex[i]];
        if (text == null || l.types == null) {
          v[i] = text;
          continue;
        }
        try {
          v[i] = ValueParsers.parse(l.types[i], text);
        } catch (IllegalArgumentException e) {
          return invalidValue(l, i);
        }
      }
      values = Arrays.asList(v);
    }
    return new ChangeRecord(
        op,
        l.schema,
        l.table,
        l.columns,
        values,
        l.primaryKey,
        timestamp,
        new SourcePosition(file, row, line));
  }

  private ChangeRecord invalidValue(TableLayout l, int column) {
    return reject(
        BadInputReason.INVALID_VALUE,
        "column " + l.columns.get(column) + " is not a valid " + l.types[column]);
  }

  /**
   * A change in which DMS left columns out (CsvNoSupValue): they are absent from the record and
   * named in its {@link ChangeRecord#unsupplied()}. Rare, so built apart from the common path.
   */
  private ChangeRecord partial(
      TableLayout l, Operation op, String[] fields, Instant timestamp, long row, long line) {
    List<String> columns = new ArrayList<>(l.columns.size());
    List<Object> values = new ArrayList<>(l.columns.size());
    Set<String> missing = new LinkedHashSet<>();
    for (int i = 0; i < l.fieldIndex.length; i++) {
      String column = l.columns.get(i);
      if (isUnsupplied(l.fieldIndex[i])) {
        if (l.primaryKey.contains(column)) {
          return reject(
              BadInputReason.INVALID_VALUE,
              "key column " + column + " holds CsvNoSupValue: DMS always supplies key columns");
        }
        missing.add(column);
        continue;
      }
      String text = fields[l.fieldIndex[i]];
      Object value = text;
      if (text != null && l.types != null) {
        try {
          value = ValueParsers.parse(l.types[i], text);
        } catch (IllegalArgumentException e) {
          return invalidValue(l, i);
        }
      }
      columns.add(column);
      values.add(value);
    }
    return new ChangeRecord(
        op,
        l.schema,
        l.table,
        columns,
        values,
        l.primaryKey,
        timestamp,
        new SourcePosition(file, row, line),
        missing);
  }

  private boolean isUnsupplied(int field) {
    for (int i = 0; i < unsupplied; i++) {
      if (unsuppliedFields[i] == field) {
        return true;
      }
    }
    return false;
  }

  /**
   * A row whose field count is not the file's. In a file without a header, when the file's first
   * row or two rows in a row have the same wrong count, the table's columns changed (DMS supports
   * ADD and DROP COLUMN during CDC): the whole file fails with one error saying so, instead of
   * every row failing alone.
   */
  private ChangeRecord wrongFieldCount(TableLayout l, String[] fields, long row, long line) {
    boolean emptyLine = fields.length == 1 && (fields[0] == null || fields[0].isEmpty());
    if (layout != null && header.isEmpty() && !emptyLine) {
      boolean sameAsLast = miscountedRow == row - 1 && miscountedFields == fields.length;
      if (row == firstRow || sameAsLast) {
        throw fail(
            new BadInputException(
                objectUri,
                sameAsLast ? miscountedLine : line,
                BadInputReason.COLUMNS_CHANGED,
                columnsChanged(l, fields.length)));
      }
      miscountedRow = row;
      miscountedLine = line;
      miscountedFields = fields.length;
    }
    return reject(
        BadInputReason.WRONG_FIELD_COUNT,
        "expected " + l.fieldCount + " fields, found " + fields.length);
  }

  private String columnsChanged(TableLayout l, int found) {
    String name = fileName.name();
    String time = name.substring(0, name.indexOf('.'));
    String fix =
        kind.isChange()
            ? "add the new column list to the table definition from this file on"
                + " (\"columnVersions\": [{\"from\": \""
                + time
                + "\", \"columns\": [...]}])"
            : "update the table definition's columns to the table's columns at this full load";
    return "rows have "
        + found
        + " fields where the configured columns of "
        + l.id
        + " give "
        + l.fieldCount
        + ": the table's columns probably changed at the source (ALTER TABLE ... ADD COLUMN or"
        + " DROP COLUMN) and the file has no header to say so. Turn on AddColumnName on the DMS"
        + " endpoint so that every file names its columns, or "
        + fix;
  }

  /** The layout of a CDC_TXN row's table, or {@code null} with the row rejected. */
  private TableLayout txnLayout(String[] fields, int prefix) {
    if (fields.length < prefix + TXN_TABLE_FIELDS) {
      reject(
          BadInputReason.WRONG_FIELD_COUNT,
          "expected at least " + (prefix + TXN_TABLE_FIELDS) + " fields, found " + fields.length);
      return null;
    }
    String table = fields[prefix];
    String schema = fields[prefix + 1];
    TableLayout last = lastTxnLayout;
    if (last != null && last.table.equals(table) && last.schema.equals(schema)) {
      return last;
    }
    if (table == null || table.isEmpty() || schema == null || schema.isEmpty()) {
      reject(BadInputReason.UNKNOWN_TABLE, "the row names no table or no schema");
      return null;
    }
    TableId id = TableId.of(schema, table);
    TableLayout l = txnLayouts.get(id);
    if (l == null) {
      Optional<TableDefinition> definition = tables.find(id).filter(TableDefinition::hasColumns);
      if (definition.isEmpty()) {
        reject(BadInputReason.UNKNOWN_TABLE, "no columns are configured for table " + id);
        return null;
      }
      l =
          TableLayout.fromDefinition(
              definition.get(),
              definition.get().columnsFor(fileName),
              prefix + TXN_TABLE_FIELDS,
              settings.timestampColumnName());
      txnLayouts.put(id, l); // bounded by the number of configured tables
    }
    lastTxnLayout = l;
    return l;
  }

  private Operation operation(String code) {
    if (code == null || code.length() != 1) {
      return null;
    }
    switch (code.charAt(0)) {
      case 'I':
        return insertOp;
      case 'U':
        return updateOp;
      case 'D':
        return deleteOp;
      default:
        return null;
    }
  }

  private String allowedCodes() {
    return deleteOp != null ? "I, U or D" : updateOp != null ? "I or U" : "I";
  }

  private Instant timestamp(String text) {
    if (text == null) {
      return null;
    }
    if (text.equals(lastTimestampText)) {
      return lastTimestamp; // rows of one transaction or one load share it
    }
    try {
      Instant t = ValueParsers.parseDmsTimestamp(text);
      lastTimestampText = text;
      lastTimestamp = t;
      return t;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * NULL and CsvNoSupValue tokens (unquoted only) and kept quotes: NULL becomes {@code null}, the
   * fields holding CsvNoSupValue are noted in {@link #unsuppliedFields}, quoted text is unquoted.
   */
  private void applyTokens(String[] fields) {
    for (int i = 0; i < fields.length; i++) {
      String value = fields[i];
      if (value == null) {
        continue;
      }
      if (value.equals(nullToken)) {
        fields[i] = null;
      } else if (value.equals(noSupToken)) {
        if (unsupplied == unsuppliedFields.length) {
          unsuppliedFields = Arrays.copyOf(unsuppliedFields, unsupplied * 2);
        }
        unsuppliedFields[unsupplied++] = i;
      } else if (stripQuotes) {
        fields[i] = unquote(value);
      }
    }
  }

  /**
   * Compares the first row's line ending with CsvRowDelimiter: a file written with the other one
   * would otherwise give column names and last values ending in {@code \r} (CRLF rows read with
   * {@code \n}) or merge rows (LF rows read with {@code \r\n}).
   */
  private void checkRowDelimiter(long line) {
    rowDelimiterChecked = true;
    String raw = context.currentParsedContent();
    if (raw == null) {
      return;
    }
    String configured = settings.csvRowDelimiter();
    String found = null;
    if (configured.equals("\n") && raw.endsWith("\r\n")) {
      found = "\\r\\n";
    } else if (configured.equals("\r\n") && raw.indexOf('\n') >= 0 && !raw.endsWith("\r\n")) {
      found = "\\n";
    }
    if (found != null) {
      throw fail(
          new BadInputException(
              objectUri,
              line,
              BadInputReason.ROW_DELIMITER_MISMATCH,
              "rows end in "
                  + found
                  + " but CsvRowDelimiter is "
                  + (configured.equals("\n") ? "\\n" : "\\r\\n")
                  + ": set CsvRowDelimiter to \""
                  + found
                  + "\" in the settings, as the endpoint that wrote the file has it"));
    }
  }

  /** With kept quotes, a quoted field arrives with its quotes (inner ones already unescaped). */
  private static String unquote(String value) {
    int n = value.length();
    if (n >= 2 && value.charAt(0) == '"' && value.charAt(n - 1) == '"') {
      return value.substring(1, n - 1);
    }
    return value;
  }

  private ChangeRecord reject(BadInputReason reason, String message) {
    rejectReason = reason;
    rejectMessage = message;
    return null;
  }

  /** The current row's text without its row delimiter. */
  private String rawRowText() {
    String raw = context.currentParsedContent();
    if (raw == null) {
      return "";
    }
    String delimiter = settings.csvRowDelimiter();
    if (raw.endsWith(delimiter)) {
      return raw.substring(0, raw.length() - delimiter.length());
    }
    return raw;
  }

  /** RFC 4180 fields hold quotes in pairs; an odd count means a quote was never closed. */
  private static boolean hasOddQuotes(String text) {
    if (text == null) {
      return false;
    }
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '"') {
        count++;
      }
    }
    return (count & 1) == 1;
  }

  /** Translates a failure of univocity or of the input into the exception that ends the file. */
  private RuntimeException fatal(RuntimeException parserError, long line) {
    IOException io = chars == null ? null : chars.failure();
    if (io instanceof CountingUtf8Reader.RowTooLongException) {
      return new BadInputException(
          objectUri,
          line,
          BadInputReason.MALFORMED_CSV,
          "the row is longer than "
              + MAX_ROW_CHARS
              + " characters (a quote that is never closed?"
              + (rowDelimiterChecked || !settings.csvRowDelimiter().equals("\r\n")
                  ? ")"
                  : " or rows that end in \\n while CsvRowDelimiter is \\r\\n?)"),
          parserError);
    }
    if (io instanceof ObjectInput.SourceReadException) {
      return new StoreException(
          "reading " + objectUri + " failed at line " + line + ": " + io.getCause(), io, true);
    }
    if (io != null) {
      long reached = lineBase + chars.newlinesDecoded();
      return new BadInputException(
          objectUri,
          reached,
          BadInputReason.CORRUPT_COMPRESSION,
          "the gzip data is corrupt or truncated after "
              + chars.charsHandedOut()
              + " characters ("
              + io.getClass().getSimpleName()
              + ")",
          io);
    }
    return new BadInputException(
        objectUri, line, BadInputReason.MALFORMED_CSV, describe(parserError), parserError);
  }

  /** What univocity rejected, in words of ours: its messages may quote row content. */
  private static String describe(RuntimeException e) {
    String m = e == null || e.getMessage() == null ? "" : e.getMessage();
    if (m.contains("Unescaped quote")) {
      return "a quote inside a quoted field is not doubled";
    }
    if (m.contains("following quoted value")) {
      return "unexpected text after a quoted field";
    }
    if (m.contains("maxColumns") || m.contains("max number of columns")) {
      return "the row has more than " + MAX_FIELDS + " fields";
    }
    return "the CSV parser rejected the row ("
        + (e == null ? "no detail" : e.getClass().getSimpleName())
        + ")";
  }

  private RuntimeException fail(RuntimeException e) {
    failure = e;
    finished = true;
    closeQuietly();
    return e;
  }

  private void finish() {
    finished = true;
    closeQuietly();
  }

  @Override
  public ReadProgress progress() {
    return new ReadProgress(rowsDone, nextLine, nextByteOffset, header);
  }

  @Override
  public long rejectedRows() {
    return rejected;
  }

  @Override
  public List<String> columns() {
    return layout == null ? List.of() : layout.columns;
  }

  @Override
  public void close() {
    finished = true;
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (parser != null) {
        parser.stopParsing();
      }
    } catch (RuntimeException e) {
      // closing after a failure; the failure is what matters
    }
    try {
      source.close();
    } catch (IOException | RuntimeException e) {
      // nothing to do: the object was read or failed already
    }
  }
}
