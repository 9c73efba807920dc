package io.cdckinesis.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.lambda.FunctionEnvironment;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The functions' own clients against local servers named {@code localhost}, configured only as a
 * user would configure a function: the SDK's endpoint, credential and region settings (here as
 * system properties, which the SDK reads like the environment variables).
 */
class FunctionClientsIT {

  private static final List<String> PROPERTIES =
      List.of(
          "aws.endpointUrlS3",
          "aws.endpointUrlKinesis",
          "aws.accessKeyId",
          "aws.secretAccessKey",
          "aws.region",
          ConfiguredEndpoints.CBOR_PROPERTY);
  private static final Map<String, String> saved = new HashMap<>();

  private static LocalS3 s3;
  private static LocalKinesis kinesis;

  @BeforeAll
  static void start() {
    PROPERTIES.forEach(p -> saved.put(p, System.getProperty(p)));
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start(); // turns CBOR off for the JVM: cleared below
    System.setProperty("aws.endpointUrlS3", "http://localhost:" + s3.endpoint().getPort());
    System.setProperty(
        "aws.endpointUrlKinesis", "http://localhost:" + kinesis.endpoint().getPort());
    System.setProperty("aws.accessKeyId", LocalCredentials.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LocalCredentials.SECRET_KEY);
    System.setProperty("aws.region", "us-east-1");
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
    saved.forEach(
        (p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
  }

  private static FunctionEnvironment env(String... vars) {
    Map<String, String> env = new HashMap<>(Map.of(FunctionEnvironment.STATE_BUCKET, "state"));
    for (int i = 0; i < vars.length; i += 2) {
      env.put(vars[i], vars[i + 1]);
    }
    return FunctionEnvironment.from(env);
  }

  @Test
  void aLocalhostEndpointGetsPathStyleS3AndKinesisWithoutCbor() {
    System.clearProperty(ConfiguredEndpoints.CBOR_PROPERTY);

    try (FunctionClients clients = FunctionClients.create(env())) {
      clients.s3().createBucket(b -> b.bucket("fc-bucket"));
      clients.s3().putObject(b -> b.bucket("fc-bucket").key("k"), RequestBody.fromString("v"));
      assertThat(clients.s3().getObjectAsBytes(b -> b.bucket("fc-bucket").key("k")).asUtf8String())
          .isEqualTo("v");

      assertThat(System.getProperty(ConfiguredEndpoints.CBOR_PROPERTY)).isEqualTo("false");
      clients.kinesis().createStream(b -> b.streamName("fc-stream").shardCount(1));
      kinesis.awaitActive("fc-stream");
      assertThat(
              clients
                  .kinesis()
                  .describeStreamSummary(b -> b.streamName("fc-stream"))
                  .streamDescriptionSummary()
                  .streamStatus())
          .isEqualTo(StreamStatus.ACTIVE);
    }
  }

  @Test
  void thePathStyleSettingOverridesTheDefault() {
    try (FunctionClients auto = FunctionClients.create(env());
        FunctionClients virtual =
            FunctionClients.create(env(FunctionEnvironment.S3_PATH_STYLE, "false"))) {
      URL path = auto.s3().utilities().getUrl(b -> b.bucket("fc-bucket").key("k"));
      URL host = virtual.s3().utilities().getUrl(b -> b.bucket("fc-bucket").key("k"));

      assertThat(path.getHost()).isEqualTo("localhost");
      assertThat(path.getPath()).isEqualTo("/fc-bucket/k");
      assertThat(host.getHost()).isEqualTo("fc-bucket.localhost"); // what failed before
    }
  }
}
