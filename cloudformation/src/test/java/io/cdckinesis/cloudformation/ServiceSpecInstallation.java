package io.cdckinesis.cloudformation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the npm package {@code @aws-cdk/aws-service-spec} from the module's committed {@code
 * service-spec/package.json} and {@code package-lock.json} with {@code npm ci}, once per lock file,
 * into a cache folder, and returns its {@code db.json.gz}. A file lock keeps concurrent builds from
 * installing at the same time; {@code tools/install-cfn-service-spec} installs the same way.
 *
 * <p>Cache folder: {@code $CDC_CFN_SPEC_HOME}, else the system property {@code cdc.cfn.spec.home},
 * else {@code ~/.cache/cdc-kinesis/cfn-service-spec}. Package folder: the system property {@code
 * cdc.cfn.spec.package} (set by the pom), else {@code service-spec}.
 */
final class ServiceSpecInstallation {

  static final String INSTALLED_LOCK = ".installed-package-lock.json";
  private static final List<String> FILES = List.of("package.json", "package-lock.json");
  private static final String DB = "node_modules/@aws-cdk/aws-service-spec/db.json.gz";

  private ServiceSpecInstallation() {}

  /** The installed {@code db.json.gz}, installing it first when missing or outdated. */
  static Path ensureInstalled() {
    Path packageDir = packageDir();
    Path home = home();
    try {
      Files.createDirectories(home);
      try (FileChannel ch =
              FileChannel.open(
                  home.resolve(".install.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        byte[] lock = Files.readAllBytes(packageDir.resolve("package-lock.json"));
        Path installed = home.resolve(INSTALLED_LOCK);
        boolean current =
            Files.isRegularFile(home.resolve(DB))
                && Files.exists(installed)
                && Arrays.equals(Files.readAllBytes(installed), lock);
        if (!current) {
          Files.deleteIfExists(installed);
          for (String f : FILES) {
            Files.copy(packageDir.resolve(f), home.resolve(f), StandardCopyOption.REPLACE_EXISTING);
          }
          npmCi(home);
          if (!Files.isRegularFile(home.resolve(DB))) {
            throw new IOException("npm ci in " + home + " installed no " + DB);
          }
          Files.write(installed, lock);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot install the CloudFormation resource specification in " + home, e);
    }
    return home.resolve(DB);
  }

  static Path packageDir() {
    String configured = System.getProperty("cdc.cfn.spec.package");
    return Path.of(configured == null || configured.isBlank() ? "service-spec" : configured);
  }

  static Path home() {
    String env = System.getenv("CDC_CFN_SPEC_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String prop = System.getProperty("cdc.cfn.spec.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "cdc-kinesis", "cfn-service-spec");
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
