package io.cdckinesis.s3.internal;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.s3.S3ReadException;
import io.github.resilience4j.retry.Retry;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The bytes of one pinned object version from a start offset to its end, surviving broken
 * connections: when the response stream fails after delivering some bytes, it is aborted and a
 * ranged GET (pinned to the same version) continues from the exact next byte, so the caller sees
 * one uninterrupted stream, not restarted and not skipping. Re-opens per failure are bounded and
 * spaced by the retry's backoff; the budget starts afresh once bytes flow again.
 *
 * <p>Also treats a response that ends before the object's known size as a failure to resume from,
 * so a silently truncated body never passes for the whole object.
 *
 * <p>Failures that re-opening cannot fix are thrown unchecked: {@link
 * io.cdckinesis.core.ObjectChangedException} when the object was replaced, {@link S3ReadException}
 * otherwise (retryable when the connection kept failing). Not thread-safe.
 */
public final class ResumingObjectInputStream extends InputStream {

  private static final Logger LOG = LoggerFactory.getLogger(ResumingObjectInputStream.class);

  private final ObjectGets gets;
  private final S3ObjectRef ref;
  private final ObjectGets.Pin pin;
  private final long end;
  private final Retry retry;
  private ResponseInputStream<GetObjectResponse> current;
  private long position;
  private long reopens;
  private boolean closed;

  /**
   * @param first the open response whose first byte is at {@code start}, or {@code null} to open at
   *     the first read
   * @param end the object's size: the stream ends there
   */
  public ResumingObjectInputStream(
      ObjectGets gets,
      S3ObjectRef ref,
      ObjectGets.Pin pin,
      ResponseInputStream<GetObjectResponse> first,
      long start,
      long end,
      Retry retry) {
    this.gets = Objects.requireNonNull(gets, "gets");
    this.ref = Objects.requireNonNull(ref, "ref");
    this.pin = Objects.requireNonNull(pin, "pin");
    this.retry = Objects.requireNonNull(retry, "retry");
    if (start < 0 || start > end) {
      throw new IllegalArgumentException("start " + start + " outside 0.." + end);
    }
    this.current = first;
    this.position = start;
    this.end = end;
  }

  /** The object offset of the next byte to deliver. */
  public long position() {
    return position;
  }

  /** How many times a failed response was replaced by a ranged re-open. */
  public long reopens() {
    return reopens;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream of " + ref + " is closed");
    }
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      finishCurrent();
      return -1;
    }
    try {
      return readOnce(b, off, len);
    } catch (IOException | SdkClientException e) {
      return recover(e, b, off, len);
    }
  }

  /** One read from the current response, opening it first when there is none. */
  private int readOnce(byte[] b, int off, int len) throws IOException {
    if (current == null) {
      current = gets.get(ref, pin, position, null);
    }
    int n;
    try {
      n = current.read(b, off, (int) Math.min(len, end - position));
    } catch (IOException | SdkClientException e) {
      abortCurrent();
      throw e;
    }
    if (n < 0) {
      abortCurrent();
      throw new EOFException("response ended at byte " + position + " of " + end);
    }
    position += n;
    return n;
  }

  /**
   * Reads the response to its end once every byte is delivered: the SDK checks a whole-object
   * response's checksum at the end of the stream, and a response longer than the object's size must
   * not pass unnoticed.
   */
  private void finishCurrent() {
    if (current == null) {
      return;
    }
    ResponseInputStream<GetObjectResponse> last = current;
    current = null;
    try {
      if (last.read() >= 0) {
        last.abort();
        throw new S3ReadException(
            ref + " sent more bytes than the " + end + " S3 said it has", null, true);
      }
    } catch (SdkClientException e) {
      last.abort();
      throw new S3ReadException(
          "Reading " + ref + " failed the check at its end: " + S3Errors.describe(e), e, true);
    } catch (IOException e) {
      // Every byte arrived; only the connection's end was lost.
      LOG.debug("The response of {} broke after its last byte", ref, e);
    }
    try {
      last.close();
    } catch (IOException e) {
      LOG.debug("Closing the response of {} failed", ref, e);
    }
  }

  private int recover(Exception failure, byte[] b, int off, int len) {
    if (failure instanceof SdkClientException && !S3Errors.isRetryable(failure)) {
      throw S3Errors.readFailure("Reading", ref.toString(), failure);
    }
    LOG.warn(
        "Reading {} failed at byte {} of {} ({}); re-opening from that byte",
        ref,
        position,
        end,
        S3Errors.describe(failure));
    long failedAt = position;
    try {
      return retry.executeCheckedSupplier(
          () -> {
            reopens++;
            return readOnce(b, off, len);
          });
    } catch (CdcException e) {
      if (e.isRetryable()) {
        throw new S3ReadException(
            "Reading " + ref + " kept failing at byte " + failedAt + ": " + e.getMessage(),
            e,
            true);
      }
      throw e;
    } catch (Throwable t) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new S3ReadException(
          "Reading "
              + ref
              + " kept failing at byte "
              + failedAt
              + " after "
              + retry.getRetryConfig().getMaxAttempts()
              + " re-opens: "
              + S3Errors.describe(t),
          t,
          S3Errors.isRetryable(t));
    }
  }

  @Override
  public int available() throws IOException {
    if (closed || current == null) {
      return 0;
    }
    try {
      return (int) Math.min(current.available(), end - position);
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (current == null) {
      return;
    }
    if (position < end) {
      // Closing a partly read response would drain the rest of the object to reuse the connection.
      current.abort();
    }
    try {
      current.close();
    } catch (IOException e) {
      LOG.debug("Closing the response of {} failed", ref, e);
    }
    current = null;
  }

  private void abortCurrent() {
    if (current != null) {
      current.abort();
      try {
        current.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("Closing the aborted response of {} failed", ref, e);
      }
      current = null;
    }
  }

  /** Whether a read failure of this kind is worth a re-open (used as the retry's predicate). */
  public static boolean reopenHelps(Throwable t) {
    if (t instanceof CdcException c) {
      return c.isRetryable();
    }
    return S3Errors.isRetryable(t);
  }
}
