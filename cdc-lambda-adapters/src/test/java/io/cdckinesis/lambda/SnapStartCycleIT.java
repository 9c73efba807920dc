package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.FunctionClients;
import io.cdckinesis.lambda.internal.Priming;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A simulated SnapStart cycle, the CRaC hooks called directly: the functions are primed with the
 * container's clients (here pointed at local S3 and Kinesis), "restored", and then handle events
 * over those servers as usual.
 */
class SnapStartCycleIT {

  private static LocalS3 s3;
  private static LocalKinesis kinesis;
  private static FunctionClients clients;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start();
    s3.createBucket("dms");
    s3.createBucket("state");
    kinesis.createStream("cycle", 1);
    // The SDK's own settings, as the function's environment would give them.
    System.setProperty("aws.endpointUrlS3", s3.endpoint().toString());
    System.setProperty("aws.endpointUrlKinesis", kinesis.endpoint().toString());
    System.setProperty("aws.region", LocalCredentials.REGION.id());
    System.setProperty("aws.accessKeyId", LocalCredentials.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LocalCredentials.SECRET_KEY);
    clients = FunctionClients.create(FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state")));
  }

  @AfterAll
  static void stop() {
    for (String p :
        List.of(
            "aws.endpointUrlS3",
            "aws.endpointUrlKinesis",
            "aws.region",
            "aws.accessKeyId",
            "aws.secretAccessKey")) {
      System.clearProperty(p);
    }
    clients.close();
    kinesis.close();
    s3.close();
  }

  @Test
  void theProducerSendsAFileAfterACheckpointAndRestore() {
    FunctionEnvironment env =
        FunctionEnvironment.from(
            Map.of(
                FunctionEnvironment.STREAM_NAME, "cycle",
                FunctionEnvironment.STATE_BUCKET, "state",
                FunctionEnvironment.DMS_SETTINGS,
                    "{\"AddColumnName\":true,\"IncludeOpForFullLoad\":true}"));
    S3ToKinesisHandler function =
        new S3ToKinesisHandler(
            CdcFunctions.producer(env, clients.s3(), clients.kinesis(), m -> {}),
            context -> uris -> {},
            new CapturedMetrics().metrics());
    Priming priming = Priming.producer("producer", env, clients);

    priming.beforeCheckpoint(null);
    priming.afterRestore(null);

    String key = "dbo/orders/LOAD00000001.csv";
    s3.client()
        .putObject(
            b -> b.bucket("dms").key(key), RequestBody.fromString("Op,id,total\nI,1,10\nI,2,20\n"));
    String event =
        new String(
            S3Notifications.json(List.of(io.cdckinesis.s3.S3ObjectRef.of("dms", key))),
            java.nio.charset.StandardCharsets.UTF_8);
    ProducerResult result = function.handleRequest(s3Event(event), new TestContext("after"));

    assertThat(priming.primed()).isEqualTo(1);
    assertThat(priming.restores()).isEqualTo(1);
    assertThat(result.rows()).isEqualTo(2);
    assertThat(kinesis.readAll("cycle").values().stream().mapToInt(List::size).sum())
        .as("two rows and the generation's control record")
        .isEqualTo(3);
  }

  /** The consumer with this test's configuration and clients; counts the consumers it builds. */
  static final class CycleConsumer extends KinesisChangeHandler {
    final AtomicInteger built = new AtomicInteger();
    final List<String> applied = new ArrayList<>();

    @Override
    FunctionEnvironment environment() {
      return FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state"));
    }

    @Override
    FunctionClients clients() {
      return clients;
    }

    @Override
    protected void configure(TableHandlers.Builder handlers) {
      handlers.register(
          "classicmodels.customers",
          new TableHandler() {
            @Override
            public void handle(ChangeInput in) {
              applied.add(in.rowKey());
            }
          });
    }

    @Override
    protected ChangeConsumer createConsumer() {
      built.incrementAndGet();
      return super.createConsumer();
    }
  }

  @ParameterizedTest
  @Event(value = "events/kinesis-plain.json", type = KinesisEvent.class)
  void theConsumerBuiltBeforeTheSnapshotIsDroppedAndBuiltAgainAfterTheRestore(KinesisEvent event)
      throws Exception {
    CycleConsumer function = new CycleConsumer();
    StreamsEventResponse before = function.handleRequest(event, new TestContext("before"));
    assertThat(before.getBatchItemFailures()).isEmpty();
    int changes = function.applied.size();
    assertThat(changes).isPositive();

    function.priming().beforeCheckpoint(null);
    function.priming().afterRestore(null);
    StreamsEventResponse after = function.handleRequest(event, new TestContext("after"));

    assertThat(after.getBatchItemFailures()).isEmpty();
    assertThat(function.built).as("a new consumer after the restore").hasValue(2);
    assertThat(function.priming().primed()).isEqualTo(1);
    // The positions the first consumer kept in memory went with it: a new container's view.
    assertThat(function.applied).hasSize(2 * changes);
  }

  private static S3Event s3Event(String json) {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("snapstart-cycle-", ".json");
      try {
        java.nio.file.Files.writeString(f, json);
        return com.amazonaws.services.lambda.runtime.tests.EventLoader.loadS3Event(f.toString());
      } finally {
        java.nio.file.Files.deleteIfExists(f);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
