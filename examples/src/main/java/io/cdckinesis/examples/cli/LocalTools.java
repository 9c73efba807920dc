package io.cdckinesis.examples.cli;

import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.MissingToolException;
import java.io.PrintWriter;

/** The local emulators' one-time setup, announced so that a first run is not silent for minutes. */
final class LocalTools {

  private LocalTools() {}

  /**
   * Installs kinesalite with npm if needed, saying so first.
   *
   * @throws MissingToolException when npm is missing
   */
  static void installKinesalite(PrintWriter err, String command) {
    if (LocalKinesis.isInstalled()) {
      return;
    }
    err.println(
        command
            + ": installing the Kinesis emulator (kinesalite) with npm into "
            + LocalKinesis.installationFolder()
            + " (first run only)...");
    err.flush();
    long start = System.nanoTime();
    LocalKinesis.install();
    err.printf("%s: kinesalite installed in %.0f s%n", command, (System.nanoTime() - start) / 1e9);
    err.flush();
  }
}
