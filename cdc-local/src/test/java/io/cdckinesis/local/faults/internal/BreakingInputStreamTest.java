package io.cdckinesis.local.faults.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BreakingInputStreamTest {

  private final byte[] body = "0123456789".getBytes(StandardCharsets.US_ASCII);
  private final AtomicInteger aborts = new AtomicInteger();
  private final AtomicInteger breaks = new AtomicInteger();

  private InputStream breakingAfter(long n) {
    return new BreakingInputStream(
        new ByteArrayInputStream(body), n, aborts::incrementAndGet, breaks::incrementAndGet);
  }

  @Test
  void deliversTheBytesBeforeTheBreakThenResetsForGood() throws IOException {
    InputStream in = breakingAfter(4);
    byte[] buf = new byte[100];

    assertThat(in.read(buf)).isEqualTo(4);
    assertThat(new String(buf, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("0123");
    assertThat(in.available()).isZero();
    assertThatThrownBy(() -> in.read(buf))
        .isInstanceOf(SocketException.class)
        .hasMessage("Connection reset");
    assertThatThrownBy(in::read).isInstanceOf(SocketException.class);
    assertThatThrownBy(() -> in.skip(3)).isInstanceOf(SocketException.class);

    assertThat(aborts).hasValue(1);
    assertThat(breaks).hasValue(1);
  }

  @Test
  void singleByteReadsStopAtTheSameByte() throws IOException {
    InputStream in = breakingAfter(2);
    assertThat(in.read()).isEqualTo('0');
    assertThat(in.skip(5)).isEqualTo(1);
    assertThatThrownBy(in::read).isInstanceOf(SocketException.class);
  }

  @Test
  void aStreamClosedBeforeTheBreakNeverBreaks() throws IOException {
    InputStream in = breakingAfter(8);
    assertThat(in.read(new byte[3])).isEqualTo(3);
    in.close();
    assertThat(breaks).hasValue(0);
    assertThat(aborts).hasValue(0);
  }
}
