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
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes tables and changes to S3 the way the DMS S3 target does for a given set of endpoint
 * settings: {@code [BucketFolder/]<schema>/<table>/LOAD<hex>.csv} for the full load and {@code
 * <yyyyMMdd-HHmmssSSS>.csv} per CDC batch, with the header, Op and timestamp columns, delimiters,
 * NULL convention, RFC 4180 quoting, gzip and {@code CsvNoSupValue} that the settings call for;
 * parallel full loads ({@code SEGMENT<n>_LOAD<hex>.csv}, partition subfolders) and the deletion of
 * a table's folder on truncate. Each file's header has the table's columns when it is written, so a
 * column added at the source shows from the next file on (with {@code AddColumnName}).
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

  /** A file written: its key and how many rows it holds. */
  public record WrittenFile(String key, int rows) {}

  /** Writes a table's full load, split into files of at most {@code maxRowsPerLoadFile} rows. */
  public List<String> writeFullLoad(
      TableId table, List<List<Object>> rows, LocalDateTime transferTime) {
    return keys(writeFullLoadFiles(table, rows, transferTime));
  }

  /** {@link #writeFullLoad}, saying how many rows each file holds. */
  public List<WrittenFile> writeFullLoadFiles(
      TableId table, List<List<Object>> rows, LocalDateTime transferTime) {
    return writeLoadFiles(table, "", "", 1, rows, transferTime);
  }

  /**
   * Writes a table's full load as a parallel load by ranges without segment names does: {@code
   * SEGMENT<n>_LOAD<hex>.csv} in the table folder, one hex counter across the segments (as in the
   * guide's example), each segment split into files of at most {@code maxRowsPerLoadFile} rows.
   *
   * @param segments the rows of each segment, segment 1 first
   */
  public List<WrittenFile> writeSegmentedLoad(
      TableId table, List<List<List<Object>>> segments, LocalDateTime transferTime) {
    List<WrittenFile> out = new ArrayList<>();
    int counter = 1;
    for (int s = 0; s < segments.size(); s++) {
      List<WrittenFile> files =
          writeLoadFiles(
              table, "", "SEGMENT" + (s + 1) + "_", counter, segments.get(s), transferTime);
      counter += files.size();
      out.addAll(files);
    }
    return out;
  }

  /**
   * Writes a table's full load as a parallel load by partitions ({@code partitions-auto}, {@code
   * partitions-list}) does: a subfolder per partition under the table folder, {@code
   * <partition>/LOAD<hex>.csv}, each partition counting from {@code LOAD00000001.csv}.
   *
   * @param partitions the rows of each partition, by partition name
   */
  public List<WrittenFile> writePartitionedLoad(
      TableId table, Map<String, List<List<Object>>> partitions, LocalDateTime transferTime) {
    List<WrittenFile> out = new ArrayList<>();
    partitions.forEach(
        (partition, rows) ->
            out.addAll(writeLoadFiles(table, partition + "/", "", 1, rows, transferTime)));
    return out;
  }

  private List<WrittenFile> writeLoadFiles(
      TableId table,
      String folder,
      String prefix,
      int firstFile,
      List<List<Object>> rows,
      LocalDateTime transferTime) {
    List<WrittenFile> files = new ArrayList<>();
    int file = firstFile;
    for (int from = 0; from < rows.size() || from == 0; from += maxRowsPerLoadFile) {
      List<List<Object>> part =
          rows.subList(from, Math.min(rows.size(), from + maxRowsPerLoadFile));
      String name = folder + prefix + String.format("LOAD%08X.csv", file++);
      List<Row> out = new ArrayList<>();
      for (List<Object> r : part) {
        out.add(new Row(Operation.LOAD, r, transferTime, Set.of()));
      }
      files.add(new WrittenFile(put(table, name, DmsFileKind.FULL_LOAD, out), out.size()));
      if (rows.isEmpty()) {
        break;
      }
    }
    return files;
  }

  /** Writes one CDC batch: a file per table touched, named by the batch's write time. */
  public List<String> writeCdcBatch(List<SourceChange> batch, LocalDateTime writtenAt) {
    return keys(writeCdcFiles(batch, writtenAt));
  }

  /** {@link #writeCdcBatch}, saying how many rows each file holds. */
  public List<WrittenFile> writeCdcFiles(List<SourceChange> batch, LocalDateTime writtenAt) {
    Map<TableId, List<Row>> byTable = new LinkedHashMap<>();
    for (SourceChange c : batch) {
      byTable
          .computeIfAbsent(c.table(), t -> new ArrayList<>())
          .add(new Row(c.operation(), c.row(), c.commitTime(), c.unsupplied()));
    }
    List<WrittenFile> files = new ArrayList<>();
    String name = CDC_NAME.format(writtenAt) + ".csv";
    byTable.forEach(
        (table, rows) ->
            files.add(new WrittenFile(put(table, name, DmsFileKind.CDC, rows), rows.size())));
    return files;
  }

  /**
   * Deletes every object of a table's folder, subfolders included, as DMS does for a {@code
   * TRUNCATE} or {@code DROP TABLE} at the source ("A truncate DDL operation removes all files and
   * corresponding table folders from an S3 bucket").
   *
   * @return the keys deleted
   */
  public List<String> deleteTable(TableId table) {
    List<String> keys = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder(table)))
        .contents()
        .forEach(o -> keys.add(o.key()));
    for (String key : keys) {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
    return keys;
  }

  /** Where DMS puts a table's files: {@code [BucketFolder/]schema/table/}. */
  public String folder(TableId table) {
    return (settings.bucketFolder() == null ? "" : settings.bucketFolder() + "/")
        + table.schema()
        + "/"
        + table.table()
        + "/";
  }

  private static List<String> keys(List<WrittenFile> files) {
    List<String> keys = new ArrayList<>(files.size());
    files.forEach(f -> keys.add(f.key()));
    return keys;
  }

  /** A row to write; {@code unsupplied} columns get CsvNoSupValue when the settings use it. */
  private record Row(
      Operation op, List<Object> values, LocalDateTime time, Set<String> unsupplied) {}

  private String put(TableId table, String name, DmsFileKind kind, List<Row> rows) {
    boolean gzip = settings.compressionType() == CompressionType.GZIP;
    String key = folder(table) + name + (gzip ? ".gz" : "");
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
      String noSup = settings.noSupValue();
      for (Row r : rows) {
        if (r.values().size() != t.columns().size()) {
          // DMS starts a new file at a column change; a writer must too.
          throw new IllegalStateException(
              table
                  + ": a row of "
                  + r.values().size()
                  + " values in a file of "
                  + t.columns().size()
                  + " columns");
        }
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
        for (int c = 0; c < r.values().size(); c++) {
          boolean unsupplied = noSup != null && r.unsupplied().contains(t.columns().get(c));
          // Without UseCsvNoSupValue the value is written, as if the log had carried it.
          fields.add(unsupplied ? noSup : text(r.values().get(c)));
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
