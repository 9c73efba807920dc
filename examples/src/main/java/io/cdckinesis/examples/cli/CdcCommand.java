package io.cdckinesis.examples.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cdc} command line: {@code ./cdc <command> [options]}. */
@Command(
    name = "cdc",
    mixinStandardHelpOptions = true,
    version = "cdc-kinesis 0.1.0-SNAPSHOT",
    description = "Moves AWS DMS change data from S3 CSV files into Kinesis Data Streams.",
    subcommands = {
      ConvertCommand.class,
      LoadCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CdcCommand implements Runnable {

  /** Exit code when bad input was skipped ({@code --on-error skip}). */
  public static final int EXIT_SKIPPED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final OutputStream stdout;

  /** Writes command output (envelopes) to the process's standard output, buffered. */
  public CdcCommand() {
    this(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
  }

  /** Writes command output (envelopes, as UTF-8 bytes) to {@code stdout}; for tests. */
  public CdcCommand(OutputStream stdout) {
    this.stdout = stdout;
  }

  /** Where subcommands write their data: raw bytes, so JSON stays UTF-8 whatever the locale. */
  OutputStream stdout() {
    return stdout;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CdcCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
