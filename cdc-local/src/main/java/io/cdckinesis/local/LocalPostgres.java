package io.cdckinesis.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for tests and the demo: a fresh cluster ({@code initdb}) in a temporary
 * folder, listening on a free port of 127.0.0.1 only, with trust authentication for the {@code
 * postgres} user, stopped and deleted on {@link #close()} (or at JVM exit).
 *
 * <p>Uses the server binaries of Debian's {@code postgresql} package ({@code
 * /usr/lib/postgresql/<version>/bin}, the newest version found), or those in {@code $CDC_PG_BIN}.
 * PostgreSQL refuses to run as root; under root the cluster is owned by, and the server run as, the
 * {@code postgres} user the package creates ({@code runuser -u postgres}), as the package's own
 * cluster tools do.
 *
 * <p>The cluster trades durability for speed ({@code fsync=off}): it is for tests. {@link
 * #stopServer()} and {@link #startServer()} take it down and up again on the same port with its
 * data, for outage tests.
 */
public final class LocalPostgres implements AutoCloseable {

  /** The superuser and maintenance database of the cluster. */
  public static final String USER = "postgres";

  private static final String OS_USER = "postgres";

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final boolean asRoot;
  private final int port;
  private final Thread shutdownHook;
  private boolean running;

  private LocalPostgres(Path bin, Path dir, boolean asRoot, int port) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.asRoot = asRoot;
    this.port = port;
    this.shutdownHook = new Thread(this::stopQuietlyAndDelete, "postgres-stop");
  }

  /**
   * Creates a cluster in a new temporary folder and starts it.
   *
   * @throws IllegalStateException when the server binaries are missing (saying how to install them)
   *     or the server does not start (naming its log)
   */
  public static LocalPostgres start() {
    Path bin = findBinaries();
    boolean asRoot = isRoot();
    Path dir;
    try {
      dir = Files.createTempDirectory("cdc-postgres-");
      if (asRoot) {
        UserPrincipal owner =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
        Files.setOwner(dir, owner);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot prepare a folder for PostgreSQL (running as root needs the '"
              + OS_USER
              + "' user of Debian's postgresql package): "
              + e,
          e);
    }
    LocalPostgres pg = new LocalPostgres(bin, dir, asRoot, freePort());
    Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
    try {
      pg.initdb();
      pg.startServer();
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  public int port() {
    return port;
  }

  /** The JDBC URL of a database on this server (user {@code postgres}, no password). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  /** A data source for a database on this server (a new connection per call). */
  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(USER);
    ds.setConnectTimeout(5);
    return ds;
  }

  /**
   * Creates an empty database and returns a data source for it.
   *
   * @param name letters, digits and underscores
   */
  public DataSource createDatabase(String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("database name must be a plain identifier: " + name);
    }
    try (Connection c = dataSource(USER).getConnection();
        Statement s = c.createStatement()) {
      // PostgreSQL 15 copies through the WAL by default, several times slower for a small database
      String strategy =
          c.getMetaData().getDatabaseMajorVersion() >= 15 ? " STRATEGY = FILE_COPY" : "";
      s.execute("CREATE DATABASE \"" + name + "\"" + strategy);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + name + " (SQLState " + e.getSQLState() + ")", e);
    }
    return dataSource(name);
  }

  /** Whether the server is up (between {@link #startServer()} and {@link #stopServer()}). */
  public synchronized boolean isRunning() {
    return running;
  }

  /**
   * Starts the server (again) on its port, with its data; waits until it accepts connections. Does
   * nothing when it is running.
   */
  public synchronized void startServer() {
    if (running) {
      return;
    }
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "start"),
        "pg_ctl start");
    running = true;
  }

  /**
   * Stops the server ({@code fast}: open transactions are rolled back, clients disconnected),
   * keeping its data for {@link #startServer()}. Does nothing when it is stopped.
   */
  public synchronized void stopServer() {
    if (!running) {
      return;
    }
    run(
        List.of(
            bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"),
        "pg_ctl stop");
    running = false;
  }

  /** Stops the server and deletes its folder. */
  @Override
  public void close() {
    stopQuietlyAndDelete();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // already shutting down
    }
  }

  private synchronized void stopQuietlyAndDelete() {
    try {
      stopServer();
    } catch (RuntimeException e) {
      // still try to remove the folder; a server left behind dies with its data folder
    }
    deleteTree(dir);
  }

  private void initdb() {
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions"),
        "initdb");
    // Settings in the configuration file rather than on pg_ctl's command line (which goes through
    // a shell): loopback only, sockets in our folder, and speed over durability.
    String conf =
        String.join(
            "\n",
            "",
            "# cdc-kinesis LocalPostgres",
            "listen_addresses = '127.0.0.1'",
            "port = " + port,
            "unix_socket_directories = '" + dir + "'",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 200",
            "");
    Path file = data.resolve("postgresql.conf");
    try {
      Files.writeString(file, conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Runs a server tool, as the {@code postgres} user under root, and fails naming its output. */
  private void run(List<String> command, String what) {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.addAll(command);
    Path out = dir.resolve(what.replace(' ', '-') + ".out");
    try {
      Process p =
          new ProcessBuilder(full)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " did not finish in 90 s; see " + out);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            what
                + " failed (exit "
                + p.exitValue()
                + "): "
                + tail(out)
                + (what.startsWith("pg_ctl")
                    ? " (server log: " + dir.resolve("server.log") + ")"
                    : ""));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + full.get(0) + " for " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what, e);
    }
  }

  private static String tail(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /**
   * The folder holding {@code initdb} and {@code pg_ctl}: {@code $CDC_PG_BIN}, else the newest
   * {@code /usr/lib/postgresql/<version>/bin}.
   */
  static Path findBinaries() {
    String configured = System.getenv("CDC_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isExecutable(p.resolve("initdb"))) {
        throw new IllegalStateException("CDC_PG_BIN=" + configured + " has no initdb");
      }
      return p;
    }
    Path root = Path.of("/usr/lib/postgresql");
    Path best = null;
    int bestVersion = -1;
    if (Files.isDirectory(root)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
        for (Path v : versions) {
          String name = v.getFileName().toString();
          if (name.matches("\\d+") && Files.isExecutable(v.resolve("bin/initdb"))) {
            int n = Integer.parseInt(name);
            if (n > bestVersion) {
              bestVersion = n;
              best = v.resolve("bin");
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + root, e);
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "PostgreSQL server binaries not found under "
              + root
              + ": install Debian's postgresql package (apt-get install -y postgresql)"
              + " or set CDC_PG_BIN to the folder holding initdb and pg_ctl");
    }
    return best;
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException ignored) {
      // a temporary folder; the OS cleans what is left
    }
  }
}
