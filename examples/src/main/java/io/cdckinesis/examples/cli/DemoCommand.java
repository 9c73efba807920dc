package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cdc demo}, for now: converts the bundled real DMS outputs (fixtures/dms-real) with the
 * settings each set was written with and prints what came out. The end-to-end demo on local S3 and
 * Kinesis replaces it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Converts the bundled real DMS outputs (fixtures/dms-real) to envelopes and prints a"
            + " summary: files and records per table.")
final class DemoCommand implements Callable<Integer> {

  /** A bundled set: its folder and the endpoint settings DMS wrote it with. */
  private record FixtureSet(String folder, DmsCsvSettings settings) {}

  private static final List<FixtureSet> SETS =
      List.of(
          new FixtureSet("mysql-classicmodels", DmsCsvSettings.defaults()),
          new FixtureSet("oracle-hr", DmsCsvSettings.builder().addColumnName(true).build()),
          new FixtureSet("garment-erp", DmsCsvSettings.builder().addColumnName(true).build()));

  @Spec private CommandSpec spec;

  @Option(
      names = "--fixtures",
      paramLabel = "DIR",
      description =
          "The fixtures/dms-real folder (found next to the jar or above the current"
              + " folder when not given).")
  private Path fixtures;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = fixtures != null ? fixtures : findFixtures();
    if (dir == null || !Files.isDirectory(dir)) {
      err.println("cdc demo: fixtures/dms-real not found; give it with --fixtures DIR");
      return 1;
    }
    TableDefinitions tables;
    try {
      tables = TableDefinitions.fromJson(dir.resolve("tables.json"));
    } catch (ConfigurationException e) {
      err.println("cdc demo: " + e.getMessage());
      return 1;
    }
    out.println("cdc demo: real DMS outputs in " + dir + " converted to stream envelopes");
    int problems = 0;
    String sample = null;
    for (FixtureSet set : SETS) {
      SampleOutput envelopes = new SampleOutput();
      DmsFileConverter.Result r;
      try {
        r =
            new DmsFileConverter(set.settings(), tables, BadRowPolicy.SKIP, err)
                .convert(List.of(dir.resolve(set.folder())), null, envelopes);
      } catch (IOException e) {
        err.println("cdc demo: " + e.getMessage());
        return 1;
      }
      problems += r.problems;
      out.printf("  %-20s %d files, %d records%n", set.folder(), r.files, r.records);
      for (Map.Entry<TableId, Map<Operation, Long>> t : r.perTable.entrySet()) {
        List<String> ops = new ArrayList<>();
        t.getValue().forEach((op, n) -> ops.add(op.wireName() + " " + n));
        out.printf("    %-24s %s%n", t.getKey(), String.join(", ", ops));
      }
      if (sample == null) {
        sample = envelopes.first();
      }
    }
    if (sample != null) {
      out.println("first envelope: " + sample);
    }
    out.println("(cdc convert PATH... prints every envelope; see docs/reader.md)");
    out.flush();
    return problems == 0 ? 0 : CdcCommand.EXIT_SKIPPED;
  }

  private static Path findFixtures() {
    List<Path> starts = new ArrayList<>();
    try {
      starts.add(
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      // no code source: search from the working directory only
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        Path candidate = p.resolve("fixtures").resolve("dms-real");
        if (Files.isDirectory(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /** Discards envelopes but keeps the first line. */
  private static final class SampleOutput extends OutputStream {
    private final java.io.ByteArrayOutputStream firstLine = new java.io.ByteArrayOutputStream();
    private boolean done;

    @Override
    public void write(int b) {
      if (!done) {
        if (b == '\n') {
          done = true;
        } else {
          firstLine.write(b);
        }
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = 0; i < len && !done; i++) {
        write(b[off + i]);
      }
    }

    String first() {
      return firstLine.size() == 0
          ? null
          : firstLine.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
