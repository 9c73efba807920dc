package io.cdckinesis.cloudformation;

import io.cdckinesis.local.NpmPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Installs the npm package {@code @aws-cdk/aws-service-spec} from the module's committed {@code
 * service-spec/package.json} and {@code package-lock.json} with cdc-local's {@link NpmPackage}
 * (once per lock file, into a cache folder) and returns its {@code db.json.gz}; {@code
 * tools/install-cfn-service-spec} installs the same way.
 *
 * <p>Cache folder: {@code $CDC_CFN_SPEC_HOME}, else the system property {@code cdc.cfn.spec.home},
 * else {@code ~/.cache/cdc-kinesis/cfn-service-spec}. Package folder: the system property {@code
 * cdc.cfn.spec.package} (set by the pom), else {@code service-spec}.
 */
final class ServiceSpecInstallation {

  private static final List<String> FILES = List.of("package.json", "package-lock.json");
  private static final String DB = "node_modules/@aws-cdk/aws-service-spec/db.json.gz";

  private ServiceSpecInstallation() {}

  /** The installed {@code db.json.gz}, installing it first when missing or outdated. */
  static Path ensureInstalled() {
    Path packageDir = packageDir();
    Map<String, byte[]> files = new LinkedHashMap<>();
    try {
      for (String f : FILES) {
        files.put(f, Files.readAllBytes(packageDir.resolve(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + packageDir, e);
    }
    return NpmPackage.install(home(), files, DB).resolve(DB);
  }

  static Path packageDir() {
    String configured = System.getProperty("cdc.cfn.spec.package");
    return Path.of(configured == null || configured.isBlank() ? "service-spec" : configured);
  }

  static Path home() {
    return NpmPackage.home("CDC_CFN_SPEC_HOME", "cdc.cfn.spec.home", "cfn-service-spec");
  }
}
