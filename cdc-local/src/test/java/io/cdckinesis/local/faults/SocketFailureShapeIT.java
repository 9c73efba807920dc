package io.cdckinesis.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cdckinesis.local.LocalCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Injected failures look exactly like real ones to the SDK: the same exception, cause and message
 * as a real read timeout, a real connection reset, and a real body cut off by a reset, produced by
 * a misbehaving server on loopback.
 */
class SocketFailureShapeIT {

  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void jsonProtocol() {
    System.setProperty("aws.cborEnabled", "false");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** How the loopback server treats each connection after reading the request. */
  private enum Behaviour {
    /** Never answers (until the client gives up). */
    SILENT,
    /** Resets the connection (RST) without answering. */
    RESET,
    /** Sends the headers of a 1000-byte body and 10 bytes of it, then resets. */
    RESET_MID_BODY,
    /** Answers 200 with a 1000-byte body. */
    FULL_BODY
  }

  private URI server(Behaviour behaviour) throws IOException {
    ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(ss);
    Thread t =
        new Thread(
            () -> {
              while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                  s.setSoTimeout(5000);
                  readRequest(s.getInputStream());
                  answer(s, behaviour);
                } catch (IOException | InterruptedException closed) {
                  // next connection, or the test is over
                }
              }
            },
            "misbehaving-server");
    t.setDaemon(true);
    t.start();
    return URI.create("http://127.0.0.1:" + ss.getLocalPort());
  }

  private static void answer(Socket s, Behaviour behaviour)
      throws IOException, InterruptedException {
    OutputStream out = s.getOutputStream();
    byte[] head =
        ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n"
                + "ETag: \"e\"\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    switch (behaviour) {
      case SILENT -> Thread.sleep(2000);
      case RESET -> s.setSoLinger(true, 0);
      case RESET_MID_BODY -> {
        out.write(head);
        out.write(new byte[10]);
        out.flush();
        Thread.sleep(100);
        s.setSoLinger(true, 0);
      }
      case FULL_BODY -> {
        out.write(head);
        out.write(new byte[1000]);
        out.flush();
        Thread.sleep(100);
      }
    }
  }

  private static void readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String headers = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    int at = headers.indexOf("content-length:");
    if (at >= 0) {
      int end = headers.indexOf('\r', at);
      in.readNBytes(Integer.parseInt(headers.substring(at + 15, end).trim()));
    }
  }

  private SdkHttpClient realHttp() {
    SdkHttpClient http = Apache5HttpClient.builder().socketTimeout(Duration.ofMillis(300)).build();
    open.add(http);
    return http;
  }

  private SdkHttpClient faultyHttp(String spec) {
    SdkHttpClient http = FaultInjector.of(FaultPlan.parse(spec)).httpClient(realHttp());
    open.add(http);
    return http;
  }

  private Throwable putRecords(URI endpoint, SdkHttpClient http) {
    try (KinesisClient c =
        KinesisClient.builder()
            .endpointOverride(endpoint)
            .region(LocalCredentials.REGION)
            .credentialsProvider(LocalCredentials.provider())
            .httpClient(http)
            .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()))
            .build()) {
      return catchThrowable(
          () ->
              c.putRecords(
                  b ->
                      b.streamName("s")
                          .records(
                              PutRecordsRequestEntry.builder()
                                  .partitionKey("k")
                                  .data(SdkBytes.fromUtf8String("x"))
                                  .build())));
    }
  }

  private Throwable readObjectBody(URI endpoint, SdkHttpClient http) {
    try (S3Client c =
        S3Client.builder()
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .region(LocalCredentials.REGION)
            .credentialsProvider(LocalCredentials.provider())
            .httpClient(http)
            .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()))
            .build()) {
      return catchThrowable(
          () -> {
            try (InputStream in = c.getObject(b -> b.bucket("bkt").key("k"))) {
              in.readAllBytes();
            }
          });
    }
  }

  private static String shape(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      s.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" <- ");
    }
    return s.toString();
  }

  @Test
  void anInjectedTimeoutIsARealReadTimeout() throws IOException {
    Throwable real = putRecords(server(Behaviour.SILENT), realHttp());
    Throwable injected =
        putRecords(server(Behaviour.FULL_BODY), faultyHttp("timeouts=1,after-send=0"));

    assertThat(shape(real)).contains("java.net.SocketTimeoutException: Read timed out");
    assertThat(shape(injected)).isEqualTo(shape(real));
  }

  @Test
  void anInjectedResetIsARealConnectionReset() throws IOException {
    Throwable real = putRecords(server(Behaviour.RESET), realHttp());
    Throwable injected = putRecords(server(Behaviour.FULL_BODY), faultyHttp("resets=1"));

    assertThat(shape(real)).contains("java.net.SocketException: Connection reset");
    assertThat(shape(injected)).isEqualTo(shape(real));
  }

  @Test
  void anInjectedBodyBreakIsARealResetMidBody() throws IOException {
    Throwable real = readObjectBody(server(Behaviour.RESET_MID_BODY), realHttp());
    Throwable injected = readObjectBody(server(Behaviour.FULL_BODY), faultyHttp("s3-breaks=1"));

    assertThat(shape(real)).contains("Connection reset");
    assertThat(shape(injected)).isEqualTo(shape(real));
  }
}
