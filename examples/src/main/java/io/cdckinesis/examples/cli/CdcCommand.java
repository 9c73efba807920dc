package io.cdckinesis.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cdc} command line: {@code ./cdc <command> [options]}. */
@Command(
    name = "cdc",
    mixinStandardHelpOptions = true,
    version = "cdc-kinesis 0.1.0-SNAPSHOT",
    description = "Moves AWS DMS change data from S3 CSV files into Kinesis Data Streams.",
    subcommands = {CommandLine.HelpCommand.class})
public final class CdcCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CdcCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
