package io.cdckinesis.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdckinesis.local.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3 faults through real SDK clients over s3proxy. */
class S3FaultsIT {

  private static final String BUCKET = "faults";
  private static LocalS3 s3;
  private static byte[] object;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket(BUCKET);
    object = new byte[100_000];
    new Random(3).nextBytes(object);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static S3Client client(FaultInjectingHttpClient http, boolean sdkRetries) {
    return s3.clientBuilder()
        .httpClient(http)
        .overrideConfiguration(
            o -> {
              if (!sdkRetries) {
                o.retryStrategy(DefaultRetryStrategy.doNotRetry());
              }
            })
        .build();
  }

  private static void put(String key) {
    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(object));
  }

  /** Reads the stream to its end or its failure: the bytes that arrived and the failure. */
  private record Read(byte[] bytes, IOException failure) {}

  private static Read readAll(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
      return new Read(out.toByteArray(), null);
    } catch (IOException e) {
      return new Read(out.toByteArray(), e);
    }
  }

  @Test
  void bodiesDiePartWayUntilTheCapPerObjectIsReached() {
    put("dbo/T/LOAD00000001.csv");
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("s3-breaks=1,s3-breaks-per-object=2"));
    try (FaultInjectingHttpClient http = faults.httpClient();
        S3Client client = client(http, true)) {
      for (int attempt = 1; attempt <= 2; attempt++) {
        ResponseInputStream<GetObjectResponse> in =
            client.getObject(b -> b.bucket(BUCKET).key("dbo/T/LOAD00000001.csv"));
        Read read = readAll(in);

        assertThat(read.failure())
            .as("GET %d", attempt)
            .isInstanceOf(SocketException.class)
            .hasMessage("Connection reset");
        assertThat(read.bytes().length).isBetween(1, object.length - 1);
        assertThat(read.bytes()).isEqualTo(Arrays.copyOf(object, read.bytes().length));
      }

      Read third = readAll(client.getObject(b -> b.bucket(BUCKET).key("dbo/T/LOAD00000001.csv")));

      assertThat(third.failure()).isNull();
      assertThat(third.bytes()).isEqualTo(object);
    }
    assertThat(faults.counts().s3BodyBreaks()).isEqualTo(2);
    assertThat(faults.counts().getObjectCalls()).isEqualTo(3);
  }

  @Test
  void aRangedReadBreaksInsideItsRangeAndTheCapCountsEveryRangeOfTheKey() {
    put("dbo/T/ranged.csv");
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("s3-breaks=1,s3-breaks-per-object=1"));
    try (FaultInjectingHttpClient http = faults.httpClient();
        S3Client client = client(http, true)) {
      Read broken =
          readAll(
              client.getObject(
                  b -> b.bucket(BUCKET).key("dbo/T/ranged.csv").range("bytes=90000-")));
      int resumeAt = 90_000 + broken.bytes().length;
      Read resumed =
          readAll(
              client.getObject(
                  b -> b.bucket(BUCKET).key("dbo/T/ranged.csv").range("bytes=" + resumeAt + "-")));

      assertThat(broken.failure()).isInstanceOf(SocketException.class);
      assertThat(broken.bytes().length).isBetween(1, 9_999);
      assertThat(broken.bytes()).isEqualTo(Arrays.copyOfRange(object, 90_000, resumeAt));
      assertThat(resumed.failure()).isNull();
      assertThat(resumed.bytes()).isEqualTo(Arrays.copyOfRange(object, resumeAt, object.length));
    }
    assertThat(faults.counts().s3BodyBreaks()).isEqualTo(1);
  }

  @Test
  void getObjectCallsResetButWritesAreLeftAloneUnlessNamed() {
    FaultInjector faults = FaultInjector.of(FaultPlan.parse("resets=1,after-send=0"));
    try (FaultInjectingHttpClient http = faults.httpClient();
        S3Client client = client(http, false)) {
      client.putObject(b -> b.bucket(BUCKET).key("untouched.json"), RequestBody.fromString("{}"));
      SdkClientException e =
          catchThrowableOfType(
              SdkClientException.class,
              () -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key("untouched.json")));
      assertThat(e.getCause()).isInstanceOf(SocketException.class);
      assertThat(client.headObject(b -> b.bucket(BUCKET).key("untouched.json")).contentLength())
          .isEqualTo(2);
    }
    assertThat(faults.counts().get(FaultKind.RESET_BEFORE_SEND)).isEqualTo(1);
    assertThat(faults.counts().putObjectCalls()).isEqualTo(1);
  }

  /**
   * Why PutObject resets are worth injecting: a conditional write whose answer is lost is retried
   * by the SDK, and the retry finds its own write and fails 412, as on AWS.
   */
  @Test
  void aConditionalWriteResetAfterSendIsDoneYetItsRetryFails412() {
    FaultInjector faults =
        FaultInjector.of(FaultPlan.parse("resets=0.5,after-send=1,on=PutObject,seed=1"));
    String key = "checkpoints/c.r1.json";
    S3Exception e;
    try (FaultInjectingHttpClient http = faults.httpClient();
        S3Client client = client(http, true)) {
      e = null;
      for (int i = 0; i < 20 && e == null; i++) {
        String k = key + i;
        try {
          client.putObject(
              b -> b.bucket(BUCKET).key(k).ifNoneMatch("*"), RequestBody.fromString("{\"n\":1}"));
        } catch (S3Exception lost) {
          e = lost;
          assertThat(s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(k)).asUtf8String())
              .isEqualTo("{\"n\":1}");
        } catch (SdkClientException everyAttemptReset) {
          // the SDK gave up on resets alone; try the next key
        }
      }
    }

    assertThat(e).as("some write was reset and retried").isNotNull();
    assertThat(e.statusCode()).isEqualTo(412);
    assertThat(faults.counts().get(FaultKind.RESET_AFTER_SEND)).isPositive();
  }
}
