package io.cdckinesis.local.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds or installs kinesalite: the committed {@code package.json}, {@code package-lock.json} and
 * {@code server.js} (resources of this module) are copied into a home folder, and {@code npm ci}
 * runs there when the installed lock file differs. A file lock keeps concurrent JVMs from
 * installing at the same time.
 *
 * <p>Home: {@code $CDC_KINESALITE_HOME}, else the system property {@code cdc.kinesalite.home}, else
 * {@code ~/.cache/cdc-kinesis/kinesalite}.
 */
public final class KinesaliteInstallation {

  private static final String RESOURCES = "/io/cdckinesis/local/kinesalite/";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "server.js");
  private static final String INSTALLED_LOCK = ".installed-package-lock.json";

  private KinesaliteInstallation() {}

  /** The home folder, installed and ready to run {@code node server.js}. */
  public static Path ensureInstalled() {
    Path home = home();
    try {
      Files.createDirectories(home);
      try (FileChannel ch =
              FileChannel.open(
                  home.resolve(".install.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        for (String f : FILES) {
          byte[] bytes = resource(f);
          Path target = home.resolve(f);
          if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
            Files.write(target, bytes);
          }
        }
        byte[] lock = resource("package-lock.json");
        Path installed = home.resolve(INSTALLED_LOCK);
        boolean current =
            Files.isDirectory(home.resolve("node_modules/kinesalite"))
                && Files.exists(installed)
                && Arrays.equals(Files.readAllBytes(installed), lock);
        boolean installedByScript =
            Files.isDirectory(home.resolve("node_modules/kinesalite")) && !Files.exists(installed);
        if (installedByScript) {
          // tools/install-kinesalite installed it from this same lock file
          Files.write(installed, lock);
        } else if (!current) {
          npmCi(home);
          Files.write(installed, lock);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install kinesalite in " + home, e);
    }
    return home;
  }

  /** The {@code node} executable: {@code $CDC_NODE} or {@code node} on the PATH. */
  public static String node() {
    String node = System.getenv("CDC_NODE");
    return node == null || node.isBlank() ? "node" : node;
  }

  static Path home() {
    String env = System.getenv("CDC_KINESALITE_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String prop = System.getProperty("cdc.kinesalite.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "cdc-kinesis", "kinesalite");
  }

  private static void npmCi(Path home) throws IOException {
    String npm = System.getenv().getOrDefault("CDC_NPM", "npm");
    Path log = home.resolve("npm-install.log");
    Process p =
        new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("npm ci timed out in " + home);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted during npm ci", e);
    }
    if (p.exitValue() != 0) {
      String out = Files.readString(log, StandardCharsets.UTF_8);
      throw new IOException(
          "npm ci failed (exit "
              + p.exitValue()
              + ") in "
              + home
              + " (Node and npm needed): "
              + out);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = KinesaliteInstallation.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("resource missing: " + RESOURCES + name);
      }
      return in.readAllBytes();
    }
  }
}
