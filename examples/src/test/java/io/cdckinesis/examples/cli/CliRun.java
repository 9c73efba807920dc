package io.cdckinesis.examples.cli;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** What a {@code cdc} run in-process printed: exit code, standard output, standard error. */
record CliRun(int exit, byte[] out, String err) {

  /** Runs {@code cdc ARGS...} in-process with captured output. */
  static CliRun cdc(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CommandLine cli = CdcCommand.commandLine(new CdcCommand(out));
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toByteArray(), err.toString());
  }

  List<String> lines() {
    String text = new String(out, StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  List<ChangeRecord> records() {
    List<ChangeRecord> records = new ArrayList<>();
    for (String line : lines()) {
      records.add(EnvelopeCodec.create().decodeRecord(line.getBytes(StandardCharsets.UTF_8)));
    }
    return records;
  }
}
