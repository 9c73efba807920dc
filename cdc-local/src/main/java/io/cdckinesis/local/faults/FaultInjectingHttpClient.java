package io.cdckinesis.local.faults;

import io.cdckinesis.local.faults.internal.AwsCall;
import io.cdckinesis.local.faults.internal.BreakingInputStream;
import io.cdckinesis.local.faults.internal.HttpResponses;
import io.cdckinesis.local.faults.internal.PutRecordsRewriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An SDK HTTP client that injects a {@link FaultInjector}'s faults into the calls it carries, over
 * a real HTTP client that does the work: SDK clients built with it ({@code
 * clientBuilder().httpClient(http)}) see the failures exactly as they would from AWS, through their
 * own response parsing, retries and exception mapping.
 *
 * <ul>
 *   <li>Kinesis PutRecords: throttled entries are taken out of the request before it is sent and
 *       answered ProvisionedThroughputExceededException at their index; whole calls answered 500
 *       InternalFailure without being sent.
 *   <li>Resets and timeouts on the operations of {@link FaultPlan#on()}: thrown as the JDK socket
 *       throws them ({@code SocketException: Connection reset}, {@code SocketTimeoutException: Read
 *       timed out}), either before the request is sent or after the server carried it out.
 *   <li>S3 GetObject: bodies that die part-way with a connection reset.
 * </ul>
 *
 * <p>Every other call passes through untouched. Rewriting a PutRecords request invalidates its
 * signature, so throttling works only against servers that do not check signatures (kinesalite);
 * the other faults change no request. S3 calls are recognized in path-style addressing (as {@code
 * LocalS3.clientBuilder()} sets up). Closing this client closes the delegate.
 */
public final class FaultInjectingHttpClient implements SdkHttpClient {

  private final SdkHttpClient delegate;
  private final FaultInjector injector;

  FaultInjectingHttpClient(SdkHttpClient delegate, FaultInjector injector) {
    this.delegate = delegate;
    this.injector = injector;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new Call(request);
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** One HTTP call; the decision is made when the SDK runs it. */
  private final class Call implements ExecutableHttpRequest {
    private final HttpExecuteRequest request;
    private volatile ExecutableHttpRequest inFlight;
    private volatile boolean aborted;

    Call(HttpExecuteRequest request) {
      this.request = request;
    }

    @Override
    public void abort() {
      aborted = true;
      ExecutableHttpRequest current = inFlight;
      if (current != null) {
        current.abort();
      }
    }

    @Override
    public HttpExecuteResponse call() throws IOException {
      AwsCall call = AwsCall.classify(request.httpRequest());
      FaultOperation op = call.operation();
      if (op == null) {
        return send(request);
      }
      injector.sawCall(op);
      PutRecordsRewriter entries = null;
      if (op == FaultOperation.PUT_RECORDS && injector.plan().throttle() > 0) {
        entries = PutRecordsRewriter.parseRequest(requestBody(request));
        injector.sawEntries(entries.size());
      }
      FaultKind fault = injector.decideCall(op);
      if (fault != null) {
        return failCall(fault);
      }
      return switch (op) {
        case PUT_RECORDS -> entries == null ? send(request) : throttle(entries);
        case GET_OBJECT -> maybeBreakBody(call, send(request));
        case PUT_OBJECT -> send(request);
      };
    }

    private HttpExecuteResponse failCall(FaultKind fault) throws IOException {
      switch (fault) {
        case CALL_ERROR -> {
          injector.count(fault, 1);
          return HttpResponses.kinesisInternalFailure();
        }
        case RESET_BEFORE_SEND, TIMEOUT_BEFORE_SEND -> {
          injector.count(fault, 1);
          throw socketFailure(fault);
        }
        case RESET_AFTER_SEND, TIMEOUT_AFTER_SEND -> {
          HttpExecuteResponse done = send(request);
          // The server has answered: the call happened. The answer is lost with the connection.
          done.responseBody().ifPresent(AbortableInputStream::abort);
          injector.count(fault, 1);
          throw socketFailure(fault);
        }
        default -> throw new IllegalStateException("not a call fault: " + fault);
      }
    }

    private IOException socketFailure(FaultKind fault) {
      return fault == FaultKind.TIMEOUT_BEFORE_SEND || fault == FaultKind.TIMEOUT_AFTER_SEND
          ? new SocketTimeoutException("Read timed out")
          : new SocketException("Connection reset");
    }

    private HttpExecuteResponse throttle(PutRecordsRewriter rewriter) throws IOException {
      if (!rewriter.withinLimits()) {
        return send(request); // let the server reject the whole request, as Kinesis would
      }
      BitSet throttled = injector.decideThrottled(rewriter.size());
      if (throttled.isEmpty()) {
        return send(request);
      }
      if (throttled.cardinality() == rewriter.size()) {
        injector.count(FaultKind.THROTTLED_ENTRY, throttled.cardinality());
        return HttpResponses.kinesisOk(rewriter.allThrottled());
      }
      HttpExecuteResponse answer = send(withBody(request, rewriter.without(throttled)));
      SdkHttpResponse http = answer.httpResponse();
      if (http.statusCode() != 200) {
        return answer; // the server refused the call: nothing was written, nothing to splice
      }
      byte[] forwarded = responseBody(answer);
      byte[] spliced = rewriter.splice(forwarded, throttled);
      injector.count(FaultKind.THROTTLED_ENTRY, throttled.cardinality());
      return withBody(http, spliced);
    }

    private HttpExecuteResponse maybeBreakBody(AwsCall call, HttpExecuteResponse answer) {
      SdkHttpResponse http = answer.httpResponse();
      Optional<AbortableInputStream> body = answer.responseBody();
      if (!http.isSuccessful() || body.isEmpty()) {
        return answer;
      }
      long length = http.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
      long breakAfter = injector.decideBreak(call.objectKey(), length);
      if (breakAfter < 0) {
        return answer;
      }
      AbortableInputStream real = body.get();
      InputStream breaking =
          new BreakingInputStream(
              real, breakAfter, real, () -> injector.count(FaultKind.S3_BODY_BREAK, 1));
      return HttpExecuteResponse.builder()
          .response(http)
          .responseBody(AbortableInputStream.create(breaking, real))
          .build();
    }

    private HttpExecuteResponse send(HttpExecuteRequest r) throws IOException {
      if (aborted) {
        throw new IOException("Request was aborted");
      }
      ExecutableHttpRequest real = delegate.prepareRequest(r);
      inFlight = real;
      if (aborted) {
        real.abort();
      }
      return real.call();
    }
  }

  private static byte[] requestBody(HttpExecuteRequest request) throws IOException {
    Optional<ContentStreamProvider> provider = request.contentStreamProvider();
    if (provider.isEmpty()) {
      return new byte[0];
    }
    try (InputStream in = provider.get().newStream()) {
      return in.readAllBytes();
    }
  }

  /** The request with another body: Content-Length and the payload hash follow it. */
  private static HttpExecuteRequest withBody(HttpExecuteRequest request, byte[] body) {
    SdkHttpRequest.Builder http =
        request.httpRequest().toBuilder()
            .removeHeader("Content-Length")
            .putHeader("Content-Length", Integer.toString(body.length));
    // The signature no longer matches either way; keep the payload hash honest for readers.
    request
        .httpRequest()
        .firstMatchingHeader("x-amz-content-sha256")
        .filter(h -> h.matches("[0-9a-fA-F]{64}"))
        .ifPresent(
            h ->
                http.removeHeader("x-amz-content-sha256")
                    .putHeader("x-amz-content-sha256", sha256Hex(body)));
    return HttpExecuteRequest.builder()
        .request(http.build())
        .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body))
        .metricCollector(request.metricCollector().orElse(null))
        .build();
  }

  /** The whole (decompressed) body of a response; the connection is released. */
  private static byte[] responseBody(HttpExecuteResponse response) throws IOException {
    Optional<AbortableInputStream> body = response.responseBody();
    if (body.isEmpty()) {
      return new byte[0];
    }
    boolean gzip =
        response
            .httpResponse()
            .firstMatchingHeader("Content-Encoding")
            .filter(e -> e.equalsIgnoreCase("gzip"))
            .isPresent();
    try (InputStream in = gzip ? new GZIPInputStream(body.get()) : body.get()) {
      return in.readAllBytes();
    }
  }

  /**
   * The response with another (uncompressed) body. Content-Length follows it, and so does the
   * x-amz-crc32 that the SDK checks when the server sent one.
   */
  private static HttpExecuteResponse withBody(SdkHttpResponse response, byte[] body) {
    SdkHttpResponse.Builder http =
        response.toBuilder()
            .removeHeader("Content-Encoding")
            .removeHeader("Transfer-Encoding")
            .removeHeader("Content-Length")
            .putHeader("Content-Length", Integer.toString(body.length));
    if (response.firstMatchingHeader("x-amz-crc32").isPresent()) {
      CRC32 crc = new CRC32();
      crc.update(body);
      http.removeHeader("x-amz-crc32").putHeader("x-amz-crc32", Long.toString(crc.getValue()));
    }
    return HttpExecuteResponse.builder()
        .response(http.build())
        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
        .build();
  }

  private static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
