package io.cdckinesis.core;

import io.cdckinesis.core.internal.CsvFileReader;
import io.cdckinesis.core.spi.RejectSink;
import java.io.InputStream;
import java.util.Objects;

/**
 * Turns DMS CSV files into change records, configured once with the endpoint's settings and the
 * known table definitions. Immutable and thread-safe; each {@link #open} returns a reader for one
 * file that streams in constant memory, whatever the file's size.
 *
 * <pre>{@code
 * DmsCsvReader reader = DmsCsvReader.builder()
 *     .settings(DmsCsvSettings.fromJson(Path.of("s3-settings.json")))
 *     .tables(TableDefinitions.fromJson(Path.of("tables.json")))
 *     .badRowPolicy(BadRowPolicy.SKIP)
 *     .rejectSink(rejects)
 *     .build();
 * try (DmsFileReader file = reader.open(uri, DmsObjectKey.parse(key, settings), in)) {
 *   for (ChangeRecord r; (r = file.read()) != null; ) { ... }
 * }
 * }</pre>
 */
public final class DmsCsvReader {

  private final DmsCsvSettings settings;
  private final TableDefinitions tables;
  private final BadRowPolicy badRowPolicy;
  private final RejectSink rejectSink;

  private DmsCsvReader(Builder b) {
    this.settings = b.settings;
    this.tables = b.tables;
    this.badRowPolicy = b.badRowPolicy;
    this.rejectSink = b.rejectSink;
  }

  public static Builder builder() {
    return new Builder();
  }

  public DmsCsvSettings settings() {
    return settings;
  }

  public TableDefinitions tables() {
    return tables;
  }

  public BadRowPolicy badRowPolicy() {
    return badRowPolicy;
  }

  /**
   * Opens a file from its beginning. Gzip is detected by the key's {@code .gz} suffix and by the
   * stream's magic bytes.
   *
   * @param objectUri names the file in positions and messages ({@code s3://bucket/key} or a path)
   * @param key the parsed key, which gives the table and the file kind
   * @param in the object's bytes; the reader closes it
   * @throws BadInputException when the header is unreadable or the table's columns are unknown
   */
  public DmsFileReader open(String objectUri, DmsObjectKey key, InputStream in) {
    return open(SourceFile.of(objectUri), key, in);
  }

  /**
   * Opens a file from its beginning; its records' positions name {@code file} (with the load
   * generation and revision the producer assigned).
   */
  public DmsFileReader open(SourceFile file, DmsObjectKey key, InputStream in) {
    return resume(file, key, in, ReadProgress.START, true);
  }

  /**
   * Opens a file to continue after {@code from}.
   *
   * @param positioned {@code true} when {@code in} already starts at {@code from.nextByteOffset()}
   *     of the uncompressed bytes (a ranged read); {@code false} when it is the whole object, in
   *     which case the first {@code from.rowsDone()} rows are skipped
   */
  public DmsFileReader resume(
      String objectUri, DmsObjectKey key, InputStream in, ReadProgress from, boolean positioned) {
    Objects.requireNonNull(objectUri, "objectUri");
    return resume(SourceFile.of(objectUri), key, in, from, positioned);
  }

  /**
   * Opens a file to continue after {@code from}; see {@link #resume(String, DmsObjectKey,
   * InputStream, ReadProgress, boolean)}.
   */
  public DmsFileReader resume(
      SourceFile file, DmsObjectKey key, InputStream in, ReadProgress from, boolean positioned) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(from, "from");
    return new CsvFileReader(this, rejectSink, file, key, in, from, positioned);
  }

  /** Builds a {@link DmsCsvReader}; defaults: DMS default settings, no tables, fail on bad rows. */
  public static final class Builder {
    private DmsCsvSettings settings = DmsCsvSettings.defaults();
    private TableDefinitions tables = TableDefinitions.empty();
    private BadRowPolicy badRowPolicy = BadRowPolicy.FAIL;
    private RejectSink rejectSink = null;

    private Builder() {}

    public Builder settings(DmsCsvSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder tables(TableDefinitions tables) {
      this.tables = Objects.requireNonNull(tables, "tables");
      return this;
    }

    public Builder badRowPolicy(BadRowPolicy policy) {
      this.badRowPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Where skipped rows go; required with {@link BadRowPolicy#SKIP}. */
    public Builder rejectSink(RejectSink sink) {
      this.rejectSink = sink;
      return this;
    }

    public DmsCsvReader build() {
      if (badRowPolicy == BadRowPolicy.SKIP && rejectSink == null) {
        throw new ConfigurationException(
            "BadRowPolicy.SKIP needs a RejectSink, so that skipped rows are not lost");
      }
      if (rejectSink == null) {
        rejectSink = RejectSink.DISCARD;
      }
      return new DmsCsvReader(this);
    }
  }
}
