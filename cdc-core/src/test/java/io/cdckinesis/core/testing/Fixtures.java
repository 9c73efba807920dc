package io.cdckinesis.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real DMS output files under {@code fixtures/dms-real} at the repository root. */
public final class Fixtures {

  private Fixtures() {}

  /** The {@code fixtures/dms-real} folder, found from the working directory upwards. */
  public static Path dmsReal() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolve("fixtures").resolve("dms-real");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("fixtures/dms-real not found above " + dir);
  }

  /**
   * A file under {@code fixtures/dms-real}, e.g. {@code oracle-hr/HR/EMPLOYEES/LOAD00000001.csv}.
   */
  public static Path dmsReal(String relative) {
    return dmsReal().resolve(relative);
  }
}
