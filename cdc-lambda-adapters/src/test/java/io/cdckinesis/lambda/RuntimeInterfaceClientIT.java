package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalLambdaRuntime;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The deployable jar under Lambda's own Java runtime interface client, initialized as a SnapStart
 * function: the runtime calls the CRaC hooks through its {@code org.crac} bridge (the priming runs
 * before the "checkpoint", the refresh after the "restore"; the JVM goes on, no snapshot is taken
 * here), then the function handles an event over local S3 and Kinesis.
 */
class RuntimeInterfaceClientIT {

  private static final Path JAR = Path.of("target", "cdc-lambda.jar");
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:local-function";

  private static LocalS3 s3;
  private static LocalKinesis kinesis;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start();
    s3.createBucket("dms");
    s3.createBucket("state");
    kinesis.createStream("changes", 1);
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
  }

  /** The runtime client and the jars it needs, from this test's class path (as Lambda has them). */
  static List<Path> runtimeClasspath() {
    List<Path> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (name.startsWith("aws-lambda-java-runtime-interface-client-")
          || name.startsWith("aws-lambda-java-core-")
          || name.startsWith("aws-lambda-java-serialization-")
          || name.startsWith("utils-lite-")) {
        jars.add(Path.of(entry));
      }
    }
    assertThat(jars).hasSize(4);
    return jars;
  }

  private static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", LocalCredentials.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", LocalCredentials.SECRET_KEY);
    env.put("AWS_REGION", LocalCredentials.REGION.id());
    env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_KINESIS", kinesis.endpoint().toString());
    env.put(FunctionEnvironment.STATE_BUCKET, "state");
    return env;
  }

  @Test
  void theProducerIsPrimedRestoredAndThenSendsAFile() throws Exception {
    String key = "dbo/customers/LOAD00000001.csv";
    s3.client()
        .putObject(
            b -> b.bucket("dms").key(key),
            RequestBody.fromString("Op,id,name\nI,1,Ann\nI,2,Bob\nI,3,Cem\n"));
    Map<String, String> env = environment();
    env.put(FunctionEnvironment.STREAM_NAME, "changes");
    env.put(
        FunctionEnvironment.DMS_SETTINGS, "{\"AddColumnName\":true,\"IncludeOpForFullLoad\":true}");

    try (LocalLambdaRuntime function =
        LocalLambdaRuntime.start(
            JAR,
            "io.cdckinesis.lambda.S3ToKinesisHandler::handleRequest",
            runtimeClasspath(),
            env,
            List.of("-Xmx512m"),
            true)) {
      function.awaitInit(TIMEOUT);
      assertThat(function.restored()).as("the runtime took the SnapStart path").isTrue();

      String event =
          new String(
              S3Notifications.json(List.of(S3ObjectRef.of("dms", key))), StandardCharsets.UTF_8);
      LocalLambdaRuntime.Invocation answer =
          function.invoke("req-1", event, ARN + ":live", TIMEOUT);

      assertThat(answer.error()).as(function.output()).isFalse();
      assertThat(answer.body()).contains("\"rows\":3");
      assertThat(function.output())
          .contains("primed for the snapshot")
          .contains("restored from the snapshot")
          .doesNotContain("priming failed");
    }
    assertThat(kinesis.readAll("changes").values().stream().mapToInt(List::size).sum())
        .as("the three rows and the control record that starts the table's load generation")
        .isEqualTo(4);
  }

  @Test
  void theConsumerIsPrimedRestoredAndThenAppliesABatch() throws Exception {
    String event =
        Files.readString(Path.of("src", "test", "resources", "events", "kinesis-plain.json"));

    try (LocalLambdaRuntime function =
        LocalLambdaRuntime.start(
            JAR,
            "io.cdckinesis.lambda.KinesisChangeHandler::handleRequest",
            runtimeClasspath(),
            environment(),
            List.of("-Xmx512m"),
            true)) {
      function.awaitInit(TIMEOUT);
      assertThat(function.restored()).isTrue();

      LocalLambdaRuntime.Invocation answer =
          function.invoke("req-1", event, ARN + ":live", TIMEOUT);

      assertThat(answer.error()).as(function.output()).isFalse();
      assertThat(answer.body()).isEqualTo("{\"batchItemFailures\":[]}");
      assertThat(function.output())
          .contains("primed for the snapshot")
          .contains("restored from the snapshot")
          .doesNotContain("priming failed");
    }
  }
}
