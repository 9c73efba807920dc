package io.cdckinesis.local.faults.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import software.amazon.awssdk.http.Abortable;

/**
 * A response body that dies after a set number of bytes, as one does when the connection is reset
 * mid-transfer: the bytes before the break arrive intact, then every read throws {@code
 * SocketException: Connection reset} (what the JDK socket throws), and the connection is aborted so
 * that the rest of the body is never read.
 */
public final class BreakingInputStream extends FilterInputStream {

  private final long breakAfter;
  private final Abortable connection;
  private final Runnable onBreak;
  private long delivered;
  private boolean broken;

  /**
   * @param body the real body
   * @param breakAfter bytes delivered before the break
   * @param connection aborted at the break
   * @param onBreak called once, when the break happens
   */
  public BreakingInputStream(
      InputStream body, long breakAfter, Abortable connection, Runnable onBreak) {
    super(body);
    this.breakAfter = breakAfter;
    this.connection = connection;
    this.onBreak = onBreak;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (broken || delivered >= breakAfter) {
      throw breakNow();
    }
    int n = super.read(b, off, (int) Math.min(len, breakAfter - delivered));
    if (n > 0) {
      delivered += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    return Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
  }

  @Override
  public int available() throws IOException {
    return broken ? 0 : (int) Math.min(super.available(), breakAfter - delivered);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private SocketException breakNow() {
    if (!broken) {
      broken = true;
      connection.abort();
      onBreak.run();
    }
    return new SocketException("Connection reset");
  }
}
