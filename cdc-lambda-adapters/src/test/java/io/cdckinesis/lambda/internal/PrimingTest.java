package io.cdckinesis.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.Operation;
import io.cdckinesis.lambda.FunctionEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The priming the functions run before a SnapStart snapshot: it reads, encodes, decodes and
 * consumes sample changes with the function's settings and runs the SDK calls dry, sending nothing:
 * every client points at a loopback socket here that counts the connections it gets.
 */
class PrimingTest {

  private static final Map<String, String> PRODUCER =
      Map.of(
          FunctionEnvironment.STREAM_NAME, "changes",
          FunctionEnvironment.STATE_BUCKET, "state",
          FunctionEnvironment.DMS_SETTINGS,
              "{\"CsvDelimiter\":\"|\",\"CsvNullValue\":\"NULL\",\"TimestampColumnName\":\"ts\","
                  + "\"IncludeOpForFullLoad\":true,\"CompressionType\":\"GZIP\"}");

  private ServerSocket listener;
  private Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();
  private FunctionClients clients;

  @BeforeEach
  void pointTheSdkAtACountingSocket() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                  connections.incrementAndGet();
                } catch (IOException e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    System.setProperty("aws.endpointUrl", "http://127.0.0.1:" + listener.getLocalPort());
    System.setProperty("aws.region", "us-east-1");
  }

  @AfterEach
  void restore() throws Exception {
    System.clearProperty("aws.endpointUrl");
    System.clearProperty("aws.region");
    if (clients != null) {
      clients.close();
    }
    listener.close();
    acceptor.join(5_000);
  }

  private FunctionClients clients(FunctionEnvironment env) {
    clients = FunctionClients.create(env);
    return clients;
  }

  @Test
  void theProducerReadsItsOwnFormatAndRunsItsCallsDryWithoutSendingAnything() throws Exception {
    FunctionEnvironment env = FunctionEnvironment.from(PRODUCER);
    List<ChangeRecord> sample = Priming.readSampleFile(env);
    assertThat(sample)
        .extracting(ChangeRecord::operation)
        .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
    assertThat(sample.get(0).data()).containsEntry("id", "1").containsEntry("note", null);

    int stoppedBefore = DryRun.stopped();
    Priming priming =
        new Priming("producer", () -> Priming.primeProducer(env, clients(env)), () -> {});
    priming.beforeCheckpoint(null);

    assertThat(priming.primed()).isEqualTo(1);
    assertThat(DryRun.stopped() - stoppedBefore)
        .as("S3 List/Get/Put, Kinesis PutRecords, Lambda Invoke")
        .isEqualTo(5);
    assertNothingWasSent();
  }

  @Test
  void theConsumerAppliesSampleChangesAndRunsItsCallsDryWithoutSendingAnything() throws Exception {
    FunctionEnvironment env =
        FunctionEnvironment.from(
            Map.of(
                FunctionEnvironment.STATE_BUCKET,
                "state",
                FunctionEnvironment.POSITIONS_TABLE,
                "positions"));
    AtomicInteger forgotten = new AtomicInteger();
    int stoppedBefore = DryRun.stopped();
    Priming priming =
        new Priming(
            "consumer", () -> Priming.primeConsumer(env, clients(env)), forgotten::incrementAndGet);

    priming.beforeCheckpoint(null);
    assertThat(priming.primed()).isEqualTo(1);
    assertThat(DryRun.stopped() - stoppedBefore)
        .as("S3 Get/Put, Kinesis ListShards, DynamoDB BatchGet/Put/Update")
        .isEqualTo(6);
    assertThat(forgotten).hasValue(0);

    priming.afterRestore(null);
    assertThat(priming.restores()).isEqualTo(1);
    assertThat(forgotten).as("what the container built before the snapshot is dropped").hasValue(1);
    assertNothingWasSent();
  }

  @Test
  void aConfigurationErrorFailsTheCheckpointAndOtherFailuresOnlySkipThePriming() {
    Priming misconfigured =
        new Priming(
            "producer",
            () ->
                Priming.primeProducer(
                    FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "s")), null),
            () -> {});
    assertThatThrownBy(() -> misconfigured.beforeCheckpoint(null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(FunctionEnvironment.STREAM_NAME);

    Priming broken =
        new Priming(
            "producer",
            () -> {
              throw new IllegalStateException("boom");
            },
            () -> {});
    broken.beforeCheckpoint(null);
    assertThat(broken.checkpoints()).isEqualTo(1);
    assertThat(broken.primed()).isZero();
  }

  @Test
  void aCallThatIsNotDryIsReported() {
    assertThatThrownBy(() -> DryRun.call("nothing", () -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was sent");
    assertThatThrownBy(
            () ->
                DryRun.call(
                    "failing",
                    () -> {
                      throw new IllegalArgumentException("no");
                    }))
        .hasMessageContaining("was not stopped before transmission");
  }

  private void assertNothingWasSent() throws Exception {
    // A connection would have been accepted by now; give the acceptor a moment anyway.
    try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
      probe.setSoTimeout(2_000);
      try {
        probe.getInputStream().read();
      } catch (SocketTimeoutException e) {
        // the acceptor closes it at once; a timeout only means it is slow
      }
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (connections.get() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(connections).as("connections: only the probe").hasValue(1);
  }
}
