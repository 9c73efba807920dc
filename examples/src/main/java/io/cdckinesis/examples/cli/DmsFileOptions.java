package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options of every command that reads DMS files ({@code convert}, {@code load}): how DMS wrote
 * them, their tables, and what to do with bad input. A picocli mixin, so each is declared once.
 */
final class DmsFileOptions {

  @Option(
      names = "--settings",
      paramLabel = "S3SETTINGS.json",
      description =
          "The DMS S3 endpoint settings: `aws dms describe-endpoints` output, an object with"
              + " S3Settings, or the S3Settings object (BucketFolder, date partitions, CdcPath"
              + " ...). Default: DMS defaults.")
  private Path settingsFile;

  @Option(
      names = "--tables",
      paramLabel = "TABLES.json",
      description =
          "Table definitions: {\"schema.table\": {\"columns\": [...], \"primaryKey\": [...],"
              + " \"types\": {...}}}. Needed for files without a header; primary keys make the"
              + " partition keys.")
  private Path tablesFile;

  @Option(
      names = "--on-error",
      paramLabel = "fail|skip",
      defaultValue = "fail",
      description =
          "fail (default): stop at the first bad row or file, exit 1. skip: go on with the good"
              + " rows, report each bad one on standard error, exit 3.")
  private String onError;

  /**
   * What to do with bad input.
   *
   * @throws IllegalArgumentException naming the option when it is neither fail nor skip
   */
  BadRowPolicy policy() {
    return switch (onError.toLowerCase(Locale.ROOT)) {
      case "fail" -> BadRowPolicy.FAIL;
      case "skip" -> BadRowPolicy.SKIP;
      default ->
          throw new IllegalArgumentException("--on-error must be fail or skip, got " + onError);
    };
  }

  /**
   * The settings file's settings, or DMS defaults.
   *
   * @throws ConfigurationException naming the file and the problem in one line
   */
  DmsCsvSettings settings() {
    if (settingsFile == null) {
      return DmsCsvSettings.defaults();
    }
    requireFile(
        "--settings",
        settingsFile,
        "save the target endpoint's settings with `aws dms describe-endpoints --filters"
            + " Name=endpoint-arn,Values=ARN > s3-settings.json`, or leave --settings out for DMS"
            + " defaults");
    return DmsCsvSettings.fromJson(settingsFile);
  }

  /**
   * The table definitions file's tables, or none.
   *
   * @throws ConfigurationException naming the file and the problem in one line
   */
  TableDefinitions tables() {
    if (tablesFile == null) {
      return TableDefinitions.empty();
    }
    requireFile("--tables", tablesFile, "give the path of a table definitions JSON file");
    return TableDefinitions.fromJson(tablesFile);
  }

  private static void requireFile(String option, Path file, String fix) {
    if (!Files.exists(file)) {
      throw new ConfigurationException(option + " " + file + ": no such file (" + fix + ")");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException(option + " " + file + ": not a file (" + fix + ")");
    }
  }
}
