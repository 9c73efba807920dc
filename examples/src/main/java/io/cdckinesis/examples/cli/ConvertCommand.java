package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cdc convert}: DMS CSV files to stream envelopes on standard output, one JSON per line. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Converts DMS CSV files (or folders of them) to record envelopes, one JSON per line on"
          + " standard output, in DMS order per table (full load, then changes by file time).",
      "The envelope's source-uri is each file's path as given (folders joined with the file's"
          + " path below them).",
      "Exit codes: 0 all converted; 1 bad input or error (with --on-error fail), or a folder"
          + " without DMS data files; 3 bad rows or files were skipped (with --on-error skip);"
          + " 2 usage error."
    })
final class ConvertCommand implements Callable<Integer> {

  @ParentCommand private CdcCommand parent;

  @Spec private CommandSpec spec;

  @Option(
      names = "--settings",
      paramLabel = "S3SETTINGS.json",
      description =
          "The DMS S3 endpoint settings: `aws dms describe-endpoints` output, an object with"
              + " S3Settings, or the S3Settings object. Default: DMS defaults.")
  private Path settingsFile;

  @Option(
      names = "--tables",
      paramLabel = "TABLES.json",
      description =
          "Table definitions: {\"schema.table\": {\"columns\": [...], \"primaryKey\": [...],"
              + " \"types\": {...}}}. Needed for files without a header.")
  private Path tablesFile;

  @Option(names = "--schema", description = "The schema of every file (with --table).")
  private String schema;

  @Option(
      names = "--table",
      description = "The table of every file (with --schema); paths then need only a DMS name.")
  private String table;

  @Option(
      names = "--on-error",
      paramLabel = "fail|skip",
      defaultValue = "fail",
      description =
          "fail (default): stop at the first bad row or file, exit 1. skip: convert the good"
              + " rows, report each bad one on standard error, exit 3.")
  private String onError;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "DMS data files or folders.")
  private List<Path> paths;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    BadRowPolicy policy;
    switch (onError.toLowerCase(Locale.ROOT)) {
      case "fail" -> policy = BadRowPolicy.FAIL;
      case "skip" -> policy = BadRowPolicy.SKIP;
      default -> {
        err.println("cdc convert: --on-error must be fail or skip, got " + onError);
        return 2;
      }
    }
    if ((schema == null) != (table == null)) {
      err.println("cdc convert: --schema and --table go together");
      return 2;
    }
    DmsCsvSettings settings;
    TableDefinitions tables;
    TableId forced;
    try {
      settings =
          settingsFile == null ? DmsCsvSettings.defaults() : DmsCsvSettings.fromJson(settingsFile);
      tables =
          tablesFile == null ? TableDefinitions.empty() : TableDefinitions.fromJson(tablesFile);
      forced = schema == null ? null : TableId.of(schema, table);
    } catch (ConfigurationException | IllegalArgumentException e) {
      err.println("cdc convert: " + e.getMessage());
      return 1;
    }
    DmsFileConverter.Result result;
    try {
      result =
          new DmsFileConverter(settings, tables, policy, err)
              .convert(paths, forced, parent.stdout());
    } catch (IOException e) {
      err.println("cdc convert: cannot write the output: " + e.getMessage());
      return 1;
    } catch (DmsInputs.NoDmsFilesException e) {
      err.println("cdc convert: " + e.getMessage());
      return 1;
    } finally {
      err.flush();
    }
    if (result.failed) {
      return 1;
    }
    return result.problems > 0 ? CdcCommand.EXIT_SKIPPED : 0;
  }
}
