package io.cdckinesis.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A function run the way AWS Lambda runs a Java function, on this machine: a child JVM with
 * Lambda's Java runtime interface client (the {@code aws-lambda-java-runtime-interface-client} jar,
 * given by the caller) as its main class and the function's jar in the task root, talking to a
 * Lambda Runtime API served here on loopback.
 *
 * <p>The Runtime API hands out the events queued with {@link #invoke}, collects the responses, and
 * notes when each call came (nanosecond clock of this JVM), so that a caller can time the init
 * phase and each invocation. With {@code snapStart}, the runtime client is told it initializes a
 * SnapStart function: it runs the CRaC {@code beforeCheckpoint} hooks, asks {@code /restore/next}
 * (answered at once: no snapshot is taken here, the same JVM goes on), runs the {@code
 * afterRestore} hooks, then asks for events.
 */
public final class LocalLambdaRuntime implements AutoCloseable {

  private static final String API = "/2018-06-01/runtime";
  private static final long NO_TIME = -1;

  /** An invocation's outcome: the body the function returned (or its error) and its timing. */
  public record Invocation(
      String requestId, boolean error, String body, long deliveredNanos, long answeredNanos) {
    /** From the event's delivery to the function's answer. */
    public Duration duration() {
      return Duration.ofNanos(answeredNanos - deliveredNanos);
    }
  }

  private record Event(String requestId, String json, String invokedArn) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Map<String, Long> delivered = new ConcurrentHashMap<>();
  private final Map<String, Invocation> answers = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
  private final CountDownLatch initDone = new CountDownLatch(1);
  private final Process process;
  private final long startedNanos;
  private final Path output;
  private final Path taskRoot;
  private volatile long initDoneNanos = NO_TIME;
  private volatile long restoreNanos = NO_TIME;
  private volatile String initError;

  private LocalLambdaRuntime(
      Path functionJar,
      String handler,
      List<Path> runtimeClasspath,
      Map<String, String> environment,
      List<String> jvmOptions,
      boolean snapStart)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(API, this::handle);
    server.start();
    taskRoot = Files.createTempDirectory("cdc-lambda-task");
    Files.createDirectories(taskRoot.resolve("lib"));
    Files.copy(
        functionJar,
        taskRoot.resolve("lib").resolve(functionJar.getFileName()),
        StandardCopyOption.REPLACE_EXISTING);
    output = taskRoot.resolve("output.log");

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As Lambda's java21 runtime starts the JVM (serial GC, C1 only, the CRaC bridge).
    command.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
            "-Djava.net.preferIPv4Stack=true"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(
        String.join(
            java.io.File.pathSeparator, runtimeClasspath.stream().map(Path::toString).toList()));
    command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
    command.add(handler);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(taskRoot.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = pb.environment();
    env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("AWS_LAMBDA_FUNCTION_NAME", "local-function");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/local-function");
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", snapStart ? "snap-start" : "on-demand");
    env.putAll(environment);
    startedNanos = System.nanoTime();
    process = pb.start();
  }

  /**
   * Starts the function's JVM.
   *
   * @param functionJar the deployable jar (copied to {@code lib/} of a temporary task root)
   * @param handler e.g. {@code com.example.Handler::handleRequest}
   * @param runtimeClasspath the runtime interface client jar and its dependencies
   *     (aws-lambda-java-core, aws-lambda-java-serialization, utils-lite)
   * @param environment the function's variables (plus credentials, region and endpoints)
   * @param jvmOptions more options for the JVM (e.g. {@code -Xmx})
   * @param snapStart whether the runtime initializes it as a SnapStart function
   */
  public static LocalLambdaRuntime start(
      Path functionJar,
      String handler,
      List<Path> runtimeClasspath,
      Map<String, String> environment,
      List<String> jvmOptions,
      boolean snapStart) {
    try {
      return new LocalLambdaRuntime(
          functionJar, handler, runtimeClasspath, environment, jvmOptions, snapStart);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the function is initialized: it asked for its first event, or (SnapStart) for the
   * restore.
   *
   * @return the init time, from the JVM's start
   * @throws IllegalStateException when it reported an init error or exited, with its output
   */
  public Duration awaitInit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!initDone.await(100, TimeUnit.MILLISECONDS)) {
      if (initError != null || !process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the function did not initialize"
                + (initError == null ? "" : " (init error " + initError + ")")
                + "; its output:\n"
                + output());
      }
    }
    return Duration.ofNanos(initDoneNanos - startedNanos);
  }

  /** Whether the runtime asked for {@code /restore/next} (the SnapStart path ran its hooks). */
  public boolean restored() {
    return restoreNanos != NO_TIME;
  }

  /** Sends an event and waits for the function's answer. */
  public Invocation invoke(String requestId, String eventJson, String invokedArn, Duration timeout)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    waiting.put(requestId, done);
    events.add(new Event(requestId, eventJson, invokedArn));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.await(100, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "no answer to " + requestId + "; the function's output:\n" + output());
      }
    }
    return answers.get(requestId);
  }

  /** What the function printed (its log lines and the runtime's). */
  public String output() {
    try {
      return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
    threads.shutdownNow();
    try (var files = Files.walk(taskRoot)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; left behind at worst
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The Runtime API
  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange x) throws IOException {
    long now = System.nanoTime();
    String path = x.getRequestURI().getPath().substring(API.length());
    byte[] body = readAll(x.getRequestBody());
    try {
      if (path.equals("/invocation/next")) {
        markInit(now);
        next(x);
      } else if (path.equals("/restore/next")) {
        restoreNanos = now;
        markInit(now);
        reply(x, 200, "");
      } else if (path.startsWith("/invocation/")) {
        String[] parts = path.split("/");
        String id = parts[2];
        boolean error = parts[3].equals("error");
        Long at = delivered.get(id);
        answers.put(
            id,
            new Invocation(
                id, error, new String(body, StandardCharsets.UTF_8), at == null ? now : at, now));
        CountDownLatch done = waiting.remove(id);
        if (done != null) {
          done.countDown();
        }
        reply(x, 202, "{\"status\":\"OK\"}");
      } else if (path.equals("/init/error") || path.equals("/restore/error")) {
        initError = new String(body, StandardCharsets.UTF_8);
        reply(x, 202, "{\"status\":\"OK\"}");
      } else {
        reply(x, 404, "{\"errorMessage\":\"unknown path " + path + "\"}");
      }
    } finally {
      x.close();
    }
  }

  private void markInit(long now) {
    if (initDoneNanos == NO_TIME) {
      initDoneNanos = now;
      initDone.countDown();
    }
  }

  private void next(HttpExchange x) throws IOException {
    Event e;
    try {
      e = events.take();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      reply(x, 500, "{\"errorMessage\":\"runtime stopped\"}");
      return;
    }
    delivered.put(e.requestId(), System.nanoTime());
    x.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", e.requestId());
    x.getResponseHeaders()
        .add(
            "Lambda-Runtime-Deadline-Ms",
            Long.toString(System.currentTimeMillis() + Duration.ofMinutes(15).toMillis()));
    x.getResponseHeaders()
        .add("Lambda-Runtime-Invoked-Function-Arn", Objects.requireNonNull(e.invokedArn()));
    x.getResponseHeaders()
        .add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
    x.getResponseHeaders().add("Content-Type", "application/json");
    reply(x, 200, e.json());
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
