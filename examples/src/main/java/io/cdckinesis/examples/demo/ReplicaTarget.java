package io.cdckinesis.examples.demo;

import java.util.Objects;

/**
 * The user's own database for the demo's replica ({@code --replica-jdbc}): a JDBC URL and,
 * optionally, a user and password. {@link #toString()} leaves the password out, so that the options
 * can be printed or logged.
 *
 * @param url {@code jdbc:postgresql:...} or {@code jdbc:h2:...}
 * @param user the user, or null (the URL's or the driver's default)
 * @param password the password, or null
 */
public record ReplicaTarget(String url, String user, String password) {

  /**
   * @throws IllegalArgumentException for a URL of a database the JDBC applier has no dialect for
   */
  public ReplicaTarget {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException(
          "--replica-jdbc: give a jdbc:postgresql: or jdbc:h2: URL (the databases the JDBC"
              + " handler speaks), e.g. jdbc:postgresql://localhost:5432/mydb");
    }
  }

  boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public String toString() {
    return "ReplicaTarget[" + (isPostgres() ? "PostgreSQL" : "H2") + ", user=" + user + "]";
  }
}
