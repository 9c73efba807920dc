package io.cdckinesis.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CountingUtf8ReaderTest {

  private static final String[] PIECES = {
    "a",
    "Z",
    ",",
    "\n",
    "\r\n",
    "\"",
    "é",
    "ß",
    "€",
    "北",
    "京",
    "😀",
    "🦤",
    "\uFEFF",
    "\uFFFD",
    "\u0080",
    "\u07FF",
    "\u0800",
    "\uFFFF",
    "\uD800\uDC00",
    "\uDBFF\uDFFF"
  };

  /** An input stream that hands out at most a few bytes at a time. */
  private static InputStream trickle(byte[] bytes, SplittableRandom random) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
      }
    };
  }

  private static String readAll(CountingUtf8Reader r, SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[16];
    for (int n; (n = r.read(buf, 0, 1 + random.nextInt(buf.length))) > 0; ) {
      sb.append(buf, 0, n);
    }
    return sb.toString();
  }

  @Test
  void decodesValidUtf8LikeTheJdkAndMapsEveryCharIndexToItsByteOffset() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int pieces = random.nextInt(200);
      for (int i = 0; i < pieces; i++) {
        text.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String expected = text.toString();
      byte[] bytes = expected.getBytes(StandardCharsets.UTF_8);
      CountingUtf8Reader r = new CountingUtf8Reader(trickle(bytes, random), 8, 1 << 20);

      assertThat(readAll(r, random)).isEqualTo(expected);
      assertThat(r.failure()).isNull();
      long lines = 0;
      for (int k = 0; k <= expected.length(); k++) {
        if (k > 0 && Character.isHighSurrogate(expected.charAt(k - 1))) {
          continue; // not a character boundary
        }
        r.advanceTo(k);
        assertThat(r.bytesBeforeBoundary())
            .isEqualTo(expected.substring(0, k).getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.newlinesBeforeBoundary()).isEqualTo(lines);
        if (k < expected.length() && expected.charAt(k) == '\n') {
          lines++;
        }
      }
    }
  }

  @Test
  void replacesMalformedBytesLikeTheJdkAndRemembersWhere() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 2000; round++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        int kind = random.nextInt(4);
        bytes[i] =
            (byte)
                (kind == 0
                    ? 'a' + random.nextInt(3)
                    : kind == 1 ? 0x80 + random.nextInt(64) : 0xc0 + random.nextInt(64));
      }
      String jdk = new String(bytes, StandardCharsets.UTF_8);
      CountingUtf8Reader r = new CountingUtf8Reader(trickle(bytes, random), 8, 1 << 20);
      String ours = readAll(r, random);

      // the JDK folds a surrogate's lead and first continuation byte into one replacement where
      // Unicode's "maximal subpart" practice (ours) gives two: compare runs of replacements
      assertThat(ours.replaceAll("\uFFFD+", "\uFFFD"))
          .as("bytes %s", java.util.HexFormat.of().formatHex(bytes))
          .isEqualTo(jdk.replaceAll("\uFFFD+", "\uFFFD"));
      assertThat(r.firstMalformedBefore(ours.length() + 1) != null)
          .isEqualTo(!java.util.Arrays.equals(jdk.getBytes(StandardCharsets.UTF_8), bytes));
      r.advanceTo(ours.length());
      assertThat(r.bytesBeforeBoundary()).isEqualTo(bytes.length);
    }
  }

  @Test
  void aSurrogatePairSplitsAcrossOneCharReads() {
    byte[] bytes = "a😀b".getBytes(StandardCharsets.UTF_8);
    CountingUtf8Reader r = new CountingUtf8Reader(new ByteArrayInputStream(bytes), 64, 1 << 20);
    char[] one = new char[1];
    StringBuilder sb = new StringBuilder();
    while (r.read(one, 0, 1) == 1) {
      sb.append(one[0]);
    }
    assertThat(sb.toString()).isEqualTo("a😀b");
    r.advanceTo(3);
    assertThat(r.bytesBeforeBoundary()).isEqualTo(5);
  }
}
