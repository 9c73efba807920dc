package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.testing.DmsCsvGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated 1 GB DMS file converts in a JVM limited to 128 MB of heap: the reader streams in
 * constant memory. The command runs in a forked JVM (the shaded cdc.jar, as ./cdc runs it); its
 * output is counted, not kept.
 */
class LargeFileConvertIT {

  private static final long ONE_GB = 1_000_000_000L;

  @Test
  void convertsAGigabyteWith128MegabytesOfHeap(@TempDir Path dir) throws Exception {
    long start = System.nanoTime();
    Path file = dir.resolve("app/customers/20240809-192717787.csv");
    Files.createDirectories(file.getParent());
    long rows;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      rows = new DmsCsvGenerator(2024).write(out, ONE_GB);
    }
    long generated = System.nanoTime();
    Path settings = dir.resolve("s3.json");
    Files.writeString(
        settings,
        "{\"S3Settings\": {\"AddColumnName\": true, \"TimestampColumnName\": \""
            + DmsCsvGenerator.TIMESTAMP_COLUMN
            + "\"}}");
    Path tables = dir.resolve("tables.json");
    Files.writeString(tables, "{\"app.customers\": {\"primaryKey\": [\"id\"]}}");

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    Path jar = Path.of("target", "cdc.jar");
    if (Files.isRegularFile(jar)) {
      command.addAll(List.of("-jar", jar.toString()));
    } else {
      command.addAll(
          List.of("-cp", System.getProperty("java.class.path"), CdcCommand.class.getName()));
    }
    command.addAll(
        List.of(
            "convert",
            "--settings",
            settings.toString(),
            "--tables",
            tables.toString(),
            file.toString()));
    Process process = new ProcessBuilder(command).start();
    // stderr on a thread of its own: the common pool may have a single thread, busy elsewhere
    FutureTask<String> err = new FutureTask<>(() -> readAll(process.getErrorStream()));
    Thread errReader = new Thread(err, "convert-stderr");
    errReader.setDaemon(true);
    errReader.start();
    long[] counted = countLines(process.getInputStream());
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    long converted = System.nanoTime();

    assertThat(err.get()).isEmpty();
    assertThat(process.exitValue()).isZero();
    assertThat(counted[0]).isEqualTo(rows);
    System.out.printf(
        "LargeFileConvertIT: %d MB, %d rows; generated in %.1f s, converted with -Xmx128m in"
            + " %.1f s (%.0f MB/s of CSV, %d MB of envelopes)%n",
        Files.size(file) / 1_000_000,
        rows,
        (generated - start) / 1e9,
        (converted - generated) / 1e9,
        Files.size(file) / 1e6 / ((converted - generated) / 1e9),
        counted[1] / 1_000_000);
  }

  /** Lines and bytes of a stream, read and dropped. */
  private static long[] countLines(InputStream in) throws IOException {
    long lines = 0;
    long bytes = 0;
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      bytes += n;
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          lines++;
        }
      }
    }
    return new long[] {lines, bytes};
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
