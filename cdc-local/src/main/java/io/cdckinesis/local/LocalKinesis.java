package io.cdckinesis.local;

import io.cdckinesis.local.internal.KinesaliteInstallation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.waiters.KinesisWaiter;

/**
 * A Kinesis emulator (kinesalite, in memory) run as a Node child process on a free loopback port,
 * for tests and the demo. Installs kinesalite from the committed lock file on first use (see {@link
 * KinesaliteInstallation}); needs Node and npm.
 *
 * <p>Kinesalite's CBOR answers break the SDK, so starting one turns the SDK's CBOR off for this JVM
 * ({@code aws.cborEnabled=false}; JSON is equally valid against AWS). The Lambda functions never
 * start one, so deployed code keeps CBOR.
 */
public final class LocalKinesis implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final URI endpoint;
  private final KinesisClient client;
  private final Thread shutdownHook;

  private LocalKinesis(Process process, int port) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.client = clientBuilder().build();
    this.shutdownHook = new Thread(process::destroyForcibly, "kinesalite-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Whether kinesalite is installed for this version (else {@link #start()} first runs {@code npm
   * ci}, which takes a while: callers may say so).
   */
  public static boolean isInstalled() {
    return KinesaliteInstallation.isInstalled();
  }

  /** Where kinesalite is (or will be) installed. */
  public static Path installationFolder() {
    return KinesaliteInstallation.home();
  }

  /**
   * Installs kinesalite when it is not installed yet ({@link #start()} does it too).
   *
   * @throws MissingToolException when npm cannot be started
   */
  public static void install() {
    KinesaliteInstallation.ensureInstalled();
  }

  /**
   * Installs kinesalite if needed and starts it.
   *
   * @throws MissingToolException when node or npm cannot be started
   */
  public static LocalKinesis start() {
    return start(0);
  }

  /**
   * Installs kinesalite if needed and starts it on a loopback port (0: a free one).
   *
   * @throws MissingToolException when node or npm cannot be started
   */
  public static LocalKinesis start(int port) {
    System.setProperty("aws.cborEnabled", "false");
    Path home = KinesaliteInstallation.ensureInstalled();
    Process p;
    try {
      p =
          new ProcessBuilder(KinesaliteInstallation.node(), "server.js", Integer.toString(port))
              .directory(home.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
              .start();
    } catch (IOException e) {
      throw MissingToolException.of(
          KinesaliteInstallation.node(), "the Kinesis emulator kinesalite runs on it", "CDC_NODE");
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> listeningPort =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  if (line.startsWith("LISTENING ")) {
                    return Integer.parseInt(line.substring(10).trim());
                  }
                }
                return -1;
              } catch (IOException e) {
                return -1;
              }
            });
    int listening;
    try {
      listening = listeningPort.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while starting kinesalite", e);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException("kinesalite did not start; see " + home + "/server.log", e);
    }
    if (listening <= 0) {
      p.destroyForcibly();
      throw new IllegalStateException("kinesalite exited; see " + home + "/server.log");
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // keep the pipe empty
                }
              } catch (IOException ignored) {
                // process gone
              }
            },
            "kinesalite-stdout");
    drain.setDaemon(true);
    drain.start();
    return new LocalKinesis(p, listening);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client for this emulator, owned by it (closed with it). */
  public KinesisClient client() {
    return client;
  }

  /** A builder preset for this emulator (endpoint, credentials, region). */
  public KinesisClientBuilder clientBuilder() {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(LocalCredentials.REGION)
        .credentialsProvider(LocalCredentials.provider());
  }

  /** Creates a stream with this many shards and waits until it is active. */
  public void createStream(String name, int shards) {
    client.createStream(b -> b.streamName(name).shardCount(shards));
    awaitActive(name);
  }

  /** Waits until a stream is active, polling every 50 ms (the SDK default waits 10 s per poll). */
  public void awaitActive(String name) {
    try (KinesisWaiter waiter =
        KinesisWaiter.builder()
            .client(client)
            .overrideConfiguration(
                WaiterOverrideConfiguration.builder()
                    .maxAttempts(400)
                    .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50)))
                    .build())
            .build()) {
      waiter.waitUntilStreamExists(b -> b.streamName(name));
    }
    StreamStatus status =
        client
            .describeStreamSummary(b -> b.streamName(name))
            .streamDescriptionSummary()
            .streamStatus();
    if (status != StreamStatus.ACTIVE) {
      throw new IllegalStateException("stream " + name + " is " + status);
    }
  }

  /** Every record of a stream; see {@link #readAll(KinesisClient, String)}. */
  public Map<Shard, List<Record>> readAll(String stream) {
    return readAll(client, stream);
  }

  /**
   * Every record of a stream as it is now: per shard (in ListShards order), oldest first, read
   * until a page comes back empty. For tests and benchmarks that check what reached a stream.
   */
  public static Map<Shard, List<Record>> readAll(KinesisClient client, String stream) {
    Map<Shard, List<Record>> out = new LinkedHashMap<>();
    for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
      List<Record> records = new ArrayList<>();
      String iterator =
          client
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current).limit(10_000));
        records.addAll(page.records());
        iterator = page.records().isEmpty() ? null : page.nextShardIterator();
      }
      out.put(shard, records);
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
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
}
