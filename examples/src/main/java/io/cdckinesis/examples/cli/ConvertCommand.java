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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin private DmsFileOptions dms;

  @Option(names = "--schema", description = "The schema of every file (with --table).")
  private String schema;

  @Option(
      names = "--table",
      description = "The table of every file (with --schema); paths then need only a DMS name.")
  private String table;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "DMS data files or folders.")
  private List<Path> paths;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    BadRowPolicy policy;
    try {
      policy = dms.policy();
    } catch (IllegalArgumentException e) {
      err.println("cdc convert: " + e.getMessage());
      return 2;
    }
    if ((schema == null) != (table == null)) {
      err.println("cdc convert: --schema and --table go together");
      return 2;
    }
    DmsCsvSettings settings;
    TableDefinitions tables;
    TableId forced;
    try {
      settings = dms.settings();
      tables = dms.tables();
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
