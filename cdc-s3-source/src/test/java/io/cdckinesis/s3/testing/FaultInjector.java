package io.cdckinesis.s3.testing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * An SDK interceptor that watches the GetObject calls a real client makes and breaks their response
 * bodies on demand: the next responses throw a "connection reset" after a planned number of bytes,
 * as a dropped connection does. It also counts the body bytes the HTTP layer has handed over, to
 * show that a reader streams instead of fetching the whole object first.
 */
public final class FaultInjector implements ExecutionInterceptor {

  /** One GetObject request as it went on the wire. */
  public record SeenGet(String range, String ifMatch, String versionId) {}

  private final List<String> checksumModes = new ArrayList<>();

  private final List<SeenGet> gets = new ArrayList<>();
  private final Deque<Long> breakAfter = new ArrayDeque<>();
  private final AtomicLong bodyBytes = new AtomicLong();

  /** The next GetObject bodies fail after these many bytes, one number per response. */
  public synchronized FaultInjector breakNextBodiesAfter(long... bytes) {
    for (long b : bytes) {
      breakAfter.addLast(b);
    }
    return this;
  }

  public synchronized List<SeenGet> gets() {
    return List.copyOf(gets);
  }

  /** The x-amz-checksum-mode header of each GetObject request, null where absent. */
  public synchronized List<String> checksumModes() {
    return new ArrayList<>(checksumModes);
  }

  public synchronized void reset() {
    gets.clear();
    checksumModes.clear();
    breakAfter.clear();
    bodyBytes.set(0);
  }

  /** Body bytes read from the HTTP layer so far, over all GetObject responses. */
  public long bodyBytesDelivered() {
    return bodyBytes.get();
  }

  @Override
  public synchronized void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    if (context.request() instanceof GetObjectRequest) {
      SdkHttpRequest http = context.httpRequest();
      List<String> version = http.rawQueryParameters().get("versionId");
      gets.add(
          new SeenGet(
              http.firstMatchingHeader("Range").orElse(null),
              http.firstMatchingHeader("If-Match").orElse(null),
              version == null || version.isEmpty() ? null : version.get(0)));
      checksumModes.add(http.firstMatchingHeader("x-amz-checksum-mode").orElse(null));
    }
  }

  @Override
  public synchronized Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Optional<InputStream> body = context.responseBody();
    if (!(context.request() instanceof GetObjectRequest)
        || body.isEmpty()
        || context.httpResponse().statusCode() >= 300) {
      return body;
    }
    Long limit = breakAfter.pollFirst();
    return Optional.of(new BreakingStream(body.get(), limit == null ? Long.MAX_VALUE : limit));
  }

  private final class BreakingStream extends FilterInputStream {
    private final long limit;
    private long delivered;

    BreakingStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (delivered >= limit) {
        throw new SocketException("Connection reset (injected after " + delivered + " bytes)");
      }
      int n = super.read(b, off, (int) Math.min(len, limit - delivered));
      if (n > 0) {
        delivered += n;
        bodyBytes.addAndGet(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return read(new byte[(int) Math.min(n, 8192)]);
    }
  }
}
