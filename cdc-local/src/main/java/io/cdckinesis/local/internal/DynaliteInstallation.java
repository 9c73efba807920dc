package io.cdckinesis.local.internal;

import io.cdckinesis.local.NpmPackage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds or installs dynalite (a DynamoDB emulator): the committed {@code package.json}, {@code
 * package-lock.json} and {@code server.js} (resources of this module) go into a home folder, where
 * {@link NpmPackage} runs {@code npm ci} once per lock file ({@code tools/install-dynalite} does
 * the same).
 *
 * <p>Home: {@code $CDC_DYNALITE_HOME}, else the system property {@code cdc.dynalite.home}, else
 * {@code ~/.cache/cdc-kinesis/dynalite}.
 */
public final class DynaliteInstallation {

  private static final String RESOURCES = "/io/cdckinesis/local/dynalite/";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "server.js");

  private DynaliteInstallation() {}

  /** The home folder, installed and ready to run {@code node server.js}. */
  public static Path ensureInstalled() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String f : FILES) {
      files.put(f, resource(f));
    }
    return NpmPackage.install(
        NpmPackage.home("CDC_DYNALITE_HOME", "cdc.dynalite.home", "dynalite"),
        files,
        "node_modules/dynalite");
  }

  private static byte[] resource(String name) {
    try (InputStream in = DynaliteInstallation.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("resource missing: " + RESOURCES + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
