package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.kinesis.testing.FakeTime;
import io.cdckinesis.kinesis.testing.Rows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A real SDK client over an HTTP layer that answers from memory (no network): proves that the SDK's
 * own retries are off for the sink's calls, and that the errors the SDK builds from real Kinesis
 * error responses are classified as intended.
 */
class SdkRetryLayeringTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void jsonProtocol() {
    System.setProperty("aws.cborEnabled", "false"); // answer in JSON, as Kinesis also can
  }

  /**
   * Answers each PutRecords request with the function's response, counting requests; ListShards
   * gets a one-shard stream (the sink lists shards to pace them).
   */
  static final class ScriptedHttp implements SdkHttpClient {
    static final String ONE_SHARD =
        "{\"Shards\":[{\"ShardId\":\"shardId-000000000000\",\"HashKeyRange\":"
            + "{\"StartingHashKey\":\"0\",\"EndingHashKey\":"
            + "\"340282366920938463463374607431768211455\"},\"SequenceNumberRange\":"
            + "{\"StartingSequenceNumber\":\"1\"}}]}";
    final List<JsonNode> requests = new ArrayList<>();
    final List<JsonNode> listings = new ArrayList<>();
    private final Function<JsonNode, Answer> script;

    ScriptedHttp(Function<JsonNode, Answer> script) {
      this.script = script;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          JsonNode body;
          try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
            body = JSON.readTree(in);
          }
          boolean listing =
              request
                  .httpRequest()
                  .firstMatchingHeader("X-Amz-Target")
                  .orElse("")
                  .endsWith(".ListShards");
          Answer a;
          synchronized (requests) {
            if (listing) {
              listings.add(body);
              a = new Answer(200, ONE_SHARD, null);
            } else {
              requests.add(body);
              a = null;
            }
          }
          if (a == null) {
            a = script.apply(body);
          }
          if (a.io != null) {
            throw a.io;
          }
          byte[] bytes = a.body.getBytes(StandardCharsets.UTF_8);
          return HttpExecuteResponse.builder()
              .response(
                  SdkHttpResponse.builder()
                      .statusCode(a.status)
                      .putHeader("Content-Type", "application/x-amz-json-1.1")
                      .putHeader("x-amzn-RequestId", "rid-" + requests.size())
                      .putHeader("Content-Length", Integer.toString(bytes.length))
                      .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
              .build();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}
  }

  record Answer(int status, String body, IOException io) {
    static Answer error(int status, String type, String message) {
      return new Answer(
          status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}", null);
    }

    /** Every entry of the request written, except those whose index gets an error code. */
    static Answer results(JsonNode request, Function<Integer, String> errorAt) {
      StringBuilder b = new StringBuilder("{\"Records\":[");
      int failed = 0;
      int n = request.get("Records").size();
      for (int i = 0; i < n; i++) {
        String code = errorAt.apply(i);
        if (i > 0) {
          b.append(',');
        }
        if (code == null) {
          b.append("{\"SequenceNumber\":\"")
              .append(1000 + i)
              .append("\",\"ShardId\":\"shardId-000000000000\"}");
        } else {
          failed++;
          b.append("{\"ErrorCode\":\"").append(code).append("\",\"ErrorMessage\":\"slow down\"}");
        }
      }
      b.append("],\"FailedRecordCount\":").append(failed).append('}');
      return new Answer(200, b.toString(), null);
    }
  }

  private static KinesisClient client(ScriptedHttp http) {
    return KinesisClient.builder()
        .httpClient(http)
        .region(Region.EU_WEST_1)
        .endpointOverride(URI.create("http://127.0.0.1:9"))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
        .build();
  }

  private final FakeTime time = new FakeTime();

  private KinesisChangeSink sink(KinesisClient client, KinesisSinkConfig config) {
    return KinesisChangeSink.builder()
        .client(client)
        .streamName("s")
        .config(config)
        .clock(time)
        .sleeper(time)
        .executor(Runnable::run)
        .build();
  }

  @Test
  void theSinkIsTheOnlyRetryLayerSoAttemptsAreExactlyMaxAttempts() {
    ScriptedHttp http = new ScriptedHttp(req -> Answer.error(500, "InternalFailure", "oops"));
    try (KinesisClient client = client(http)) {
      KinesisChangeSink sink = sink(client, KinesisSinkConfig.builder().maxAttempts(3).build());
      sink.write(Rows.customer(1, 1));
      KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
      assertThat(e.isRetryable()).isTrue();
      assertThat(e.getMessage()).contains("after 3 attempts");
    }
    assertThat(http.requests).hasSize(3);
  }

  @Test
  void withSdkRetriesOnTheTwoLayersMultiply() {
    ScriptedHttp http = new ScriptedHttp(req -> Answer.error(500, "InternalFailure", "oops"));
    try (KinesisClient client = client(http)) {
      KinesisChangeSink sink =
          sink(client, KinesisSinkConfig.builder().maxAttempts(3).sdkRetries(true).build());
      sink.write(Rows.customer(1, 1));
      catchThrowableOfType(KinesisWriteException.class, sink::flush);
    }
    // every sink attempt is itself retried by the SDK (4 attempts in its default legacy mode)
    assertThat(http.requests.size()).isGreaterThan(3).matches(n -> n % 3 == 0);
  }

  @Test
  void accessDeniedFromTheServiceFailsOnTheFirstCall() {
    ScriptedHttp http =
        new ScriptedHttp(
            req ->
                Answer.error(
                    400,
                    "AccessDeniedException",
                    "User: arn:aws:sts::1:assumed-role/w is not authorized to perform:"
                        + " kinesis:PutRecords"));
    try (KinesisClient client = client(http)) {
      KinesisChangeSink sink = sink(client, KinesisSinkConfig.defaults());
      sink.write(Rows.customer(1, 1));
      KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.errorCode()).isEqualTo("AccessDeniedException");
      assertThat(e.getMessage()).contains("stream s", "not authorized", "kinesis:PutRecords");
    }
    assertThat(http.requests).hasSize(1);
  }

  @Test
  void aKmsKeyProblemFromTheServiceFailsOnTheFirstCall() {
    ScriptedHttp http =
        new ScriptedHttp(req -> Answer.error(400, "KMSDisabledException", "key disabled"));
    try (KinesisClient client = client(http)) {
      KinesisChangeSink sink = sink(client, KinesisSinkConfig.defaults());
      sink.write(Rows.customer(1, 1));
      KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.getMessage()).contains("KMS key");
    }
    assertThat(http.requests).hasSize(1);
  }

  @Test
  void onlyTheFailedEntriesAreSentAgain() {
    int[] call = {0};
    ScriptedHttp http =
        new ScriptedHttp(
            req -> {
              boolean first = ++call[0] == 1;
              return Answer.results(
                  req,
                  i ->
                      first && (i == 1 || i == 3)
                          ? "ProvisionedThroughputExceededException"
                          : null);
            });
    try (KinesisClient client = client(http)) {
      KinesisChangeSink sink = sink(client, KinesisSinkConfig.defaults());
      for (int i = 1; i <= 5; i++) {
        sink.write(Rows.customer(i, i));
      }
      sink.flush();
      assertThat(sink.metrics().recordsWritten()).isEqualTo(5);
      assertThat(sink.metrics().throttledEntries()).isEqualTo(2);
    }
    assertThat(http.requests).hasSize(2);
    assertThat(http.requests.get(0).get("Records")).hasSize(5);
    List<String> retried = new ArrayList<>();
    http.requests.get(1).get("Records").forEach(r -> retried.add(r.get("PartitionKey").asText()));
    assertThat(retried).containsExactly("dbo.Customer|2", "dbo.Customer|4");
  }

  @Test
  void aConnectionResetIsRetried() {
    int[] calls = {0};
    ScriptedHttp http =
        new ScriptedHttp(
            req ->
                ++calls[0] == 1
                    ? new Answer(0, null, new SocketException("Connection reset"))
                    : Answer.results(req, i -> null));
    try (KinesisClient client = client(http)) {
      KinesisChangeSink sink = sink(client, KinesisSinkConfig.defaults());
      sink.write(Rows.customer(1, 1));
      sink.flush();
      assertThat(sink.metrics().recordsWritten()).isEqualTo(1);
      assertThat(sink.metrics().retriedEntries()).isEqualTo(1);
    }
    assertThat(http.requests).hasSize(2);
  }
}
