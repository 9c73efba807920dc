package io.cdckinesis.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.s3.S3ReadException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The resuming logic against a stub client whose responses misbehave in ways HTTP rarely shows. */
class ResumingObjectInputStreamTest {

  private static final byte[] DATA = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes();
  private static final S3ObjectRef REF = S3ObjectRef.of("bucket", "dbo/T/x.csv");

  /** Serves ranged GETs of DATA, each body shaped by {@code shape} (given the call number). */
  private static final class StubS3 implements S3Client {
    final List<GetObjectRequest> requests = new ArrayList<>();
    final Function<Integer, Function<InputStream, InputStream>> shape;

    StubS3(Function<Integer, Function<InputStream, InputStream>> shape) {
      this.shape = shape;
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
      requests.add(request);
      int from = 0;
      if (request.range() != null) {
        from = Integer.parseInt(request.range().replaceAll("bytes=(\\d+)-.*", "$1"));
      }
      InputStream body =
          shape.apply(requests.size()).apply(new ByteArrayInputStream(DATA, from, DATA.length));
      GetObjectResponse response =
          GetObjectResponse.builder()
              .eTag("\"e1\"")
              .contentLength((long) DATA.length - from)
              .build();
      return new ResponseInputStream<>(response, AbortableInputStream.create(body));
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }

  private static Retry retry(int attempts) {
    return Retry.of(
        "t",
        RetryConfig.custom()
            .maxAttempts(attempts)
            .intervalFunction(IntervalFunction.of(1))
            .retryOnException(ResumingObjectInputStream::reopenHelps)
            .build());
  }

  private static ResumingObjectInputStream open(StubS3 s3, int attempts) {
    ObjectGets gets = new ObjectGets(s3);
    return new ResumingObjectInputStream(
        gets, REF, new ObjectGets.Pin(null, "\"e1\""), null, 0, DATA.length, retry(attempts));
  }

  /** A body that ends quietly after {@code n} bytes, as a server closing early might. */
  private static Function<InputStream, InputStream> truncatedAfter(int n) {
    return in ->
        new FilterInputStream(in) {
          int left = n;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
              return -1;
            }
            int r = super.read(b, off, Math.min(len, left));
            if (r > 0) {
              left -= r;
            }
            return r;
          }
        };
  }

  @Test
  void aBodyEndingBeforeTheObjectsSizeIsResumedNotTakenForTheEnd() throws IOException {
    StubS3 s3 = new StubS3(call -> call == 1 ? truncatedAfter(10) : Function.identity());
    try (ResumingObjectInputStream in = open(s3, 3)) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
      assertThat(in.reopens()).isEqualTo(1);
      assertThat(in.position()).isEqualTo(DATA.length);
    }
    assertThat(s3.requests).extracting(GetObjectRequest::range).containsExactly(null, "bytes=10-");
    assertThat(s3.requests).extracting(GetObjectRequest::ifMatch).containsOnly("\"e1\"");
  }

  @Test
  void singleByteReadsResumeToo() throws IOException {
    StubS3 s3 = new StubS3(call -> call <= 3 ? truncatedAfter(5) : Function.identity());
    byte[] out = new byte[DATA.length];
    try (ResumingObjectInputStream in = open(s3, 2)) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) in.read();
      }
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(out).isEqualTo(DATA);
    assertThat(s3.requests)
        .extracting(GetObjectRequest::range)
        .containsExactly(null, "bytes=5-", "bytes=10-", "bytes=15-");
  }

  @Test
  void aNonRetryableClientErrorIsNotRetried() {
    SdkClientException checksum = SdkClientException.create("Data read has a different checksum");
    StubS3 s3 =
        new StubS3(
            call ->
                in ->
                    new FilterInputStream(in) {
                      @Override
                      public int read(byte[] b, int off, int len) {
                        throw checksum;
                      }
                    });
    try (ResumingObjectInputStream in = open(s3, 3)) {
      assertThatThrownBy(() -> in.read(new byte[4]))
          .isInstanceOf(S3ReadException.class)
          .hasMessageContaining("s3://bucket/dbo/T/x.csv")
          .hasCause(checksum)
          .satisfies(e -> assertThat(((S3ReadException) e).isRetryable()).isFalse());
    }
    assertThat(s3.requests).hasSize(1);
  }

  @Test
  void theBudgetIsPerFailureSoALongFlakyReadStillCompletes() throws IOException {
    // Every response breaks after 3 bytes: 12 re-opens in all, never more than 1 in a row.
    StubS3 s3 = new StubS3(call -> truncatedAfter(3));
    try (ResumingObjectInputStream in = open(s3, 1)) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
      assertThat(in.reopens()).isEqualTo(11);
    }
  }

  @Test
  void closedStreamsRefuseReads() throws IOException {
    StubS3 s3 = new StubS3(call -> Function.identity());
    ResumingObjectInputStream in = open(s3, 1);
    assertThat(in.readNBytes(4)).isEqualTo(Arrays.copyOf(DATA, 4));
    in.close();
    in.close();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }

  @Test
  void theResponseIsReadToItsEndSoTheSdkChecksumCheckRuns() {
    SdkClientException mismatch = SdkClientException.create("Data read has a different checksum");
    StubS3 s3 =
        new StubS3(
            call ->
                in ->
                    new FilterInputStream(in) {
                      @Override
                      public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n < 0) {
                          throw mismatch; // as the SDK's checksum validation does at the end
                        }
                        return n;
                      }

                      @Override
                      public int read() throws IOException {
                        int n = super.read();
                        if (n < 0) {
                          throw mismatch;
                        }
                        return n;
                      }
                    });
    try (ResumingObjectInputStream in = open(s3, 3)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(S3ReadException.class)
          .hasMessageContaining("s3://bucket/dbo/T/x.csv")
          .hasMessageContaining("check at its end")
          .hasCause(mismatch);
    }
    assertThat(s3.requests).hasSize(1);
  }

  @Test
  void aResponseLongerThanTheObjectIsAnError() {
    StubS3 s3 =
        new StubS3(
            call ->
                in ->
                    new java.io.SequenceInputStream(in, new ByteArrayInputStream(new byte[] {42})));
    try (ResumingObjectInputStream in = open(s3, 3)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(S3ReadException.class)
          .hasMessageContaining("more bytes than the " + DATA.length);
    }
  }
}
