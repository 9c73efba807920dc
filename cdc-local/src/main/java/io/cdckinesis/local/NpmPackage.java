package io.cdckinesis.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Installs an npm package folder from committed files ({@code package.json}, {@code
 * package-lock.json} and any others) with {@code npm ci}, into a cache folder, once per lock file.
 * A file lock keeps concurrent JVMs from installing at the same time; a marker file (the lock file
 * it was installed from, also written by the {@code tools/install-*} scripts) says what is
 * installed. Needs Node.js and npm ({@code $CDC_NPM} names another npm).
 */
public final class NpmPackage {

  /** The copy of the lock file an installation was made from. */
  public static final String INSTALLED_LOCK = ".installed-package-lock.json";

  private NpmPackage() {}

  /**
   * Makes {@code home} hold {@code files} and their installed {@code node_modules}.
   *
   * @param files file name to content; must include {@code package-lock.json}
   * @param required a path under {@code home} that a good installation has (checked after it)
   * @return {@code home}
   * @throws UncheckedIOException naming {@code home} when the files cannot be written or {@code npm
   *     ci} fails
   * @throws MissingToolException when npm cannot be started
   */
  public static Path install(Path home, Map<String, byte[]> files, String required) {
    byte[] lock = files.get("package-lock.json");
    if (lock == null) {
      throw new IllegalArgumentException("package-lock.json is required");
    }
    try {
      Files.createDirectories(home);
      try (FileChannel ch =
              FileChannel.open(
                  home.resolve(".install.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Path target = home.resolve(f.getKey());
          if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), f.getValue())) {
            Files.write(target, f.getValue());
          }
        }
        Path installed = home.resolve(INSTALLED_LOCK);
        if (!isInstalled(home, lock, required)) {
          Files.deleteIfExists(installed);
          npmCi(home);
          if (!Files.exists(home.resolve(required))) {
            throw new IOException("npm ci in " + home + " installed no " + required);
          }
          Files.write(installed, lock);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install the npm package in " + home, e);
    }
    return home;
  }

  /**
   * Whether {@code home} holds an installation made from this lock file (then {@link #install} runs
   * no npm).
   */
  public static boolean isInstalled(Path home, byte[] lock, String required) {
    Path installed = home.resolve(INSTALLED_LOCK);
    try {
      return Files.exists(home.resolve(required))
          && Files.exists(installed)
          && Arrays.equals(Files.readAllBytes(installed), lock);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A cache folder: the environment variable, else the system property, else {@code
   * ~/.cache/cdc-kinesis/<name>}.
   */
  public static Path home(String environmentVariable, String systemProperty, String name) {
    String env = System.getenv(environmentVariable);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String prop = System.getProperty(systemProperty);
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "cdc-kinesis", name);
  }

  private static void npmCi(Path home) throws IOException {
    String npm = System.getenv().getOrDefault("CDC_NPM", "npm");
    Path log = home.resolve("npm-install.log");
    Process p;
    try {
      p =
          new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw MissingToolException.of(npm, "needed once to install the Kinesis emulator", "CDC_NPM");
    }
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("npm ci timed out in " + home);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted during npm ci in " + home, e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "npm ci failed (exit "
              + p.exitValue()
              + ") in "
              + home
              + " (Node and npm needed): "
              + Files.readString(log, StandardCharsets.UTF_8));
    }
  }
}
