package io.cdckinesis.local.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An emulator run as a Node child process from its installation folder: {@code node server.js 0}
 * listens on a free loopback port and prints {@code LISTENING <port>}; it exits when its stdin
 * closes. Used by the kinesalite and dynalite stand-ins.
 */
public final class NodeServer {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;
  private final Thread shutdownHook;

  private NodeServer(Process process, int port) {
    this.process = process;
    this.port = port;
    this.shutdownHook = new Thread(process::destroyForcibly, "node-server-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code server.js} in {@code home}, its stderr appended to {@code home/server.log}.
   *
   * @param what the emulator's name, for messages
   */
  public static NodeServer start(Path home, String what) {
    return start(home, what, 0);
  }

  /**
   * Starts the emulator installed in {@code home} on a loopback port (0: a free one).
   *
   * @throws io.cdckinesis.local.MissingToolException when node cannot be started
   */
  public static NodeServer start(Path home, String what, int requestedPort) {
    Process p;
    try {
      p =
          new ProcessBuilder(node(), "server.js", Integer.toString(requestedPort))
              .directory(home.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
              .start();
    } catch (IOException e) {
      throw io.cdckinesis.local.MissingToolException.of(node(), what + " runs on it", "CDC_NODE");
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    // One thread of its own reads the port and then keeps the pipe empty (the common pool may have
    // a single thread, busy elsewhere).
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  if (!port.isDone() && line.startsWith("LISTENING ")) {
                    try {
                      port.complete(Integer.parseInt(line.substring(10).trim()));
                    } catch (NumberFormatException e) {
                      port.complete(-1);
                    }
                  }
                }
              } catch (IOException ignored) {
                // process gone: the start fails below when it had not begun listening
              }
              port.complete(-1);
            },
            what + "-stdout");
    reader.setDaemon(true);
    reader.start();
    int listening;
    try {
      listening = port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while starting " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException(what + " did not start; see " + home + "/server.log", e);
    }
    if (listening <= 0) {
      p.destroyForcibly();
      throw new IllegalStateException(what + " exited; see " + home + "/server.log");
    }
    return new NodeServer(p, listening);
  }

  public int port() {
    return port;
  }

  /** Stops the process: closes its stdin, then kills it if it has not exited within 5 s. */
  public void stop() {
    try {
      process.getOutputStream().close(); // server.js exits when its stdin closes
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // already shutting down
    }
  }

  /** The {@code node} executable: {@code $CDC_NODE} or {@code node} on the PATH. */
  public static String node() {
    String node = System.getenv("CDC_NODE");
    return node == null || node.isBlank() ? "node" : node;
  }
}
