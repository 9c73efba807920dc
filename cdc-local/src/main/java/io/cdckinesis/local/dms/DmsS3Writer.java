package io.cdckinesis.local.dms;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import io.cdckinesis.core.CompressionType;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes tables and changes to S3 the way the DMS S3 target does for a given set of endpoint
 * settings: {@code [BucketFolder/]<schema>/<table>/LOAD<hex>.csv} for the full load and {@code
 * <yyyyMMdd-HHmmssSSS>.csv} per CDC batch, with the header, Op and timestamp columns, delimiters,
 * NULL convention, RFC 4180 quoting and gzip that the settings call for.
 */
public final class DmsS3Writer {

  private static final DateTimeFormatter CDC_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS");
  private static final DateTimeFormatter DMS_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private final S3Client s3;
  private final String bucket;
  private final DmsCsvSettings settings;
  private final int maxRowsPerLoadFile;
  private final Map<TableId, SourceTable> tables;

  public DmsS3Writer(
      S3Client s3,
      String bucket,
      DmsCsvSettings settings,
      int maxRowsPerLoadFile,
      Map<TableId, SourceTable> tables) {
    this.s3 = s3;
    this.bucket = bucket;
    this.settings = settings;
    this.maxRowsPerLoadFile = maxRowsPerLoadFile;
    this.tables = tables;
  }

  public DmsCsvSettings settings() {
    return settings;
  }

  /** Writes a table's full load, split into files of at most {@code maxRowsPerLoadFile} rows. */
  public List<String> writeFullLoad(
      TableId table, List<List<Object>> rows, LocalDateTime transferTime) {
    List<String> keys = new ArrayList<>();
    int file = 1;
    for (int from = 0; from < rows.size() || from == 0; from += maxRowsPerLoadFile) {
      List<List<Object>> part =
          rows.subList(from, Math.min(rows.size(), from + maxRowsPerLoadFile));
      String name = String.format("LOAD%08X.csv", file++);
      List<Row> out = new ArrayList<>();
      for (List<Object> r : part) {
        out.add(new Row(Operation.LOAD, r, transferTime));
      }
      keys.add(put(table, name, DmsFileKind.FULL_LOAD, out));
      if (rows.isEmpty()) {
        break;
      }
    }
    return keys;
  }

  /** Writes one CDC batch: a file per table touched, named by the batch's write time. */
  public List<String> writeCdcBatch(List<SourceChange> batch, LocalDateTime writtenAt) {
    Map<TableId, List<Row>> byTable = new LinkedHashMap<>();
    for (SourceChange c : batch) {
      byTable
          .computeIfAbsent(c.table(), t -> new ArrayList<>())
          .add(new Row(c.operation(), c.row(), c.commitTime()));
    }
    List<String> keys = new ArrayList<>();
    String name = CDC_NAME.format(writtenAt) + ".csv";
    byTable.forEach((table, rows) -> keys.add(put(table, name, DmsFileKind.CDC, rows)));
    return keys;
  }

  private record Row(Operation op, List<Object> values, LocalDateTime time) {}

  private String put(TableId table, String name, DmsFileKind kind, List<Row> rows) {
    boolean gzip = settings.compressionType() == CompressionType.GZIP;
    String key =
        (settings.bucketFolder() == null ? "" : settings.bucketFolder() + "/")
            + table.schema()
            + "/"
            + table.table()
            + "/"
            + name
            + (gzip ? ".gz" : "");
    byte[] body = csv(table, kind, rows, gzip);
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
    return key;
  }

  private byte[] csv(TableId table, DmsFileKind kind, List<Row> rows, boolean gzip) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes) {
      CsvWriter w =
          new CsvWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), writerSettings());
      boolean op = settings.hasOpColumn(kind);
      String ts = settings.timestampColumnName();
      SourceTable t = tables.get(table);
      if (settings.addColumnName()) {
        List<String> header = new ArrayList<>();
        if (op) {
          header.add("Op");
        }
        if (ts != null) {
          header.add(ts);
        }
        header.addAll(t.columns());
        w.writeRow(header);
      }
      for (Row r : rows) {
        List<Object> fields = new ArrayList<>();
        if (op) {
          fields.add(
              switch (r.op()) {
                case LOAD, INSERT -> "I";
                case UPDATE -> "U";
                case DELETE -> "D";
              });
        }
        if (ts != null) {
          fields.add(DMS_TIMESTAMP.format(r.time()));
        }
        for (Object v : r.values()) {
          fields.add(text(v));
        }
        w.writeRow(fields);
      }
      w.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private CsvWriterSettings writerSettings() {
    CsvWriterSettings s = new CsvWriterSettings();
    s.getFormat().setDelimiter(settings.delimiter());
    s.getFormat().setLineSeparator(settings.csvRowDelimiter());
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setNormalizeLineEndingsWithinQuotes(false); // DMS writes values' bytes as they are
    s.setQuoteEscapingEnabled(true);
    if (settings.csvNullValue() == null) {
      s.setNullValue(null); // NULL: an unquoted empty field
      s.setEmptyValue("\"\""); // empty string: a quoted empty field
    } else {
      s.setNullValue(settings.csvNullValue());
      s.setEmptyValue(null);
    }
    return s;
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Boolean b) {
      return b ? "1" : "0";
    }
    if (v instanceof LocalDateTime t) {
      return DATETIME.format(t);
    }
    return v.toString();
  }
}
