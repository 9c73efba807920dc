package io.cdckinesis.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Reads whole files through {@link DmsCsvReader} for tests, collecting records and rejects. */
final class ReaderHarness {

  final List<ChangeRecord> records = new ArrayList<>();
  final List<RejectedRow> rejects = new ArrayList<>();
  final List<ReadProgress> progress = new ArrayList<>();
  ReadProgress finalProgress;

  private final DmsCsvReader reader;

  ReaderHarness(DmsCsvSettings settings, TableDefinitions tables, BadRowPolicy policy) {
    this.reader =
        DmsCsvReader.builder()
            .settings(settings)
            .tables(tables)
            .badRowPolicy(policy)
            .rejectSink(rejects::add)
            .build();
  }

  static ReaderHarness of(DmsCsvSettings settings, TableDefinitions tables) {
    return new ReaderHarness(settings, tables, BadRowPolicy.FAIL);
  }

  ReaderHarness read(String key, byte[] bytes) {
    return read(key, new ByteArrayInputStream(bytes));
  }

  ReaderHarness read(String key, String text) {
    return read(key, text.getBytes(StandardCharsets.UTF_8));
  }

  ReaderHarness read(String key, InputStream in) {
    DmsObjectKey parsed = DmsObjectKey.parse(key, reader.settings());
    try (DmsFileReader file = reader.open("s3://bucket/" + key, parsed, in)) {
      drain(file);
    }
    return this;
  }

  ReaderHarness readPath(Path path) {
    DmsObjectKey parsed = DmsObjectKey.parsePath(path.toString(), reader.settings());
    try (DmsFileReader file = reader.open(path.toString(), parsed, Files.newInputStream(path))) {
      drain(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  void drain(DmsFileReader file) {
    for (ChangeRecord r; (r = file.read()) != null; ) {
      records.add(r);
      progress.add(file.progress());
    }
    finalProgress = file.progress();
  }

  DmsCsvReader reader() {
    return reader;
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
