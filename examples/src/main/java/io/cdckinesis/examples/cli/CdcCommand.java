package io.cdckinesis.examples.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
      LocalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CdcCommand implements Callable<Integer> {

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
    System.exit(commandLine(new CdcCommand()).execute(args));
  }

  /**
   * The command line for {@code cdc}: an exception no command handled is reported in one line (with
   * {@code CDC_STACKTRACE=1}, its stack trace too), not as a bare stack trace.
   */
  static CommandLine commandLine(CdcCommand cdc) {
    CommandLine cli = new CommandLine(cdc);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          PrintWriter err = c.getErr();
          String name = c.getCommandSpec().qualifiedName();
          err.println(
              name
                  + ": "
                  + e.getMessage().lines().findFirst().orElse("")
                  + " (see ./"
                  + name
                  + " --help)");
          err.flush();
          return CommandLine.ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          PrintWriter err = commandLine.getErr();
          String message =
              e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
          err.println(
              commandLine.getCommandSpec().qualifiedName()
                  + ": failed: "
                  + e.getClass().getSimpleName()
                  + message
                  + " (set CDC_STACKTRACE=1 for the stack trace)");
          if (System.getenv("CDC_STACKTRACE") != null) {
            e.printStackTrace(err);
          }
          err.flush();
          return 1;
        });
    return cli;
  }

  /** {@code cdc} without a command: the usage, and a usage error. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("cdc: give a command, e.g. ./cdc demo");
    spec.commandLine().usage(err);
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }
}
