package io.cdckinesis.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Decodes UTF-8 and remembers, for the characters handed out but not yet passed by a row boundary,
 * what the CSV parser cannot tell: how many bytes each non-ASCII character took, where the {@code
 * \n} characters are (for line numbers), and where undecodable bytes were.
 *
 * <p>The parser reports row ends as character counts; {@link #advanceTo} moves the boundary there
 * and drops what lies before it, so the remembered entries never exceed the characters read ahead
 * of the last boundary (one parser buffer plus the current row): memory stays bounded whatever the
 * file size. The byte length of a decoded character follows from its value (valid UTF-8 is
 * canonical), so only non-ASCII characters need an entry.
 *
 * <p>Malformed input is reported, not silently replaced: each undecodable sequence becomes one
 * U+FFFD character whose position is remembered, so the reader can reject the row that holds it.
 * Structural CSV characters are ASCII and never part of a malformed sequence, so rows still split
 * correctly around it.
 *
 * <p>A failure of the underlying stream (or a row without end) ends the characters as if the input
 * ended, so that every complete row before the damage can still be parsed; {@link #failure} tells
 * it apart from a real end.
 */
public final class CountingUtf8Reader extends Reader {

  private static final int EXTRA_BITS = 3;
  private static final long EXTRA_MASK = (1L << EXTRA_BITS) - 1;
  private static final char REPLACEMENT = '\uFFFD';

  private final InputStream in;
  private final long maxCharsAhead;
  private IOException failure;

  /** Undecoded bytes are {@code buf[pos, limit)}. */
  private final byte[] buf;

  private int pos;
  private int limit;
  private boolean inputEnded;
  private char pendingLowSurrogate;

  /** Characters handed out so far: the index of the next one. */
  private long charsOut;

  /** Non-ASCII characters after the boundary: index << EXTRA_BITS | (bytes - 1). */
  private final LongQueue nonAscii = new LongQueue();

  /** Indexes of the {@code \n} characters after the boundary. */
  private final LongQueue newlines = new LongQueue();

  /** Indexes of the replacement characters standing for undecodable bytes, after the boundary. */
  private final LongQueue malformed = new LongQueue();

  private long boundary;
  private long extraBytesBeforeBoundary;
  private long newlinesBeforeBoundary;

  /**
   * @param in the uncompressed bytes
   * @param byteBufferSize how many bytes to read at a time
   * @param maxCharsAhead how far past the boundary the reader may decode before it fails with
   *     {@link RowTooLongException}: bounds the memory a row without end (an unclosed quote) takes
   */
  public CountingUtf8Reader(InputStream in, int byteBufferSize, long maxCharsAhead) {
    this.in = in;
    this.maxCharsAhead = maxCharsAhead;
    this.buf = new byte[Math.max(byteBufferSize, 8)];
  }

  /**
   * Reads characters; a failure of the input ends them, as if the input ended there, and is kept
   * for {@link #failure}: the parser then finishes the last complete row normally (it asks for more
   * characters as soon as it consumed a row's last one), and the reader tells a truncated last row
   * by the failure.
   */
  @Override
  public int read(char[] cbuf, int off, int len) {
    if (failure != null) {
      return -1;
    }
    try {
      return decode(cbuf, off, len);
    } catch (IOException e) {
      failure = e;
      return -1;
    }
  }

  /** The failure that ended the input early, or {@code null}. */
  public IOException failure() {
    return failure;
  }

  /**
   * Decodes UTF-8 into {@code cbuf} and remembers, in the same pass, the newlines and non-ASCII
   * characters. Hand-written rather than a {@link java.nio.charset.CharsetDecoder} because the byte
   * length of every character is needed anyway, and because the JDK's decoder leaves its fast ASCII
   * loop for good at the first non-ASCII byte of a buffer.
   */
  private int decode(char[] cbuf, int off, int len) throws IOException {
    if (charsOut - boundary > maxCharsAhead) {
      throw new RowTooLongException(charsOut - boundary);
    }
    if (len == 0) {
      return 0;
    }
    int cp = off;
    if (pendingLowSurrogate != 0) {
      cbuf[cp++] = pendingLowSurrogate;
      pendingLowSurrogate = 0;
    }
    final int cl = off + len;
    final byte[] b = buf;
    final long base = charsOut - off; // index of cbuf[k] is base + k
    while (cp < cl) {
      if (pos >= limit || needsMore(b[pos])) {
        if (inputEnded) {
          if (pos >= limit) {
            break;
          }
        } else {
          try {
            fill();
          } catch (IOException e) {
            if (cp > off) {
              failure = e; // hand out what was decoded; the next call ends the input
              break;
            }
            throw e;
          }
          continue;
        }
      }
      int p = pos;
      int lim = limit;
      int c = b[p];
      if (c >= 0) { // ASCII: the common case, in a tight loop
        do {
          cbuf[cp] = (char) c;
          if (c == '\n') {
            newlines.add(base + cp);
          }
          cp++;
          p++;
        } while (cp < cl && p < lim && (c = b[p]) >= 0);
        pos = p;
        continue;
      }
      int lead = c & 0xff;
      int avail = lim - p;
      int cp0 = cp;
      if (lead >= 0xc2 && lead <= 0xdf) {
        if (avail >= 2 && isContinuation(b[p + 1])) {
          cbuf[cp++] = (char) (((lead & 0x1f) << 6) | (b[p + 1] & 0x3f));
          nonAscii.add((base + cp0) << EXTRA_BITS | 1);
          pos = p + 2;
          continue;
        }
        malformed(cbuf, cp++, base, 1);
        continue;
      }
      if (lead >= 0xe0 && lead <= 0xef) {
        int valid = validPrefix3(b, p, avail, lead);
        if (valid == 3) {
          cbuf[cp++] =
              (char) (((lead & 0x0f) << 12) | ((b[p + 1] & 0x3f) << 6) | (b[p + 2] & 0x3f));
          nonAscii.add((base + cp0) << EXTRA_BITS | 2);
          pos = p + 3;
          continue;
        }
        malformed(cbuf, cp++, base, valid);
        continue;
      }
      if (lead >= 0xf0 && lead <= 0xf4) {
        int valid = validPrefix4(b, p, avail, lead);
        if (valid == 4) {
          if (cp + 1 >= cl) {
            if (cp > off) {
              break; // the pair goes whole into the next call
            }
            int codePoint = codePoint4(b, p);
            cbuf[cp++] = Character.highSurrogate(codePoint);
            pendingLowSurrogate = Character.lowSurrogate(codePoint);
            nonAscii.add((base + cp0) << EXTRA_BITS | 2); // 4 bytes for the pair's 2 chars
            pos = p + 4;
            charsOut += 1;
            return 1;
          }
          int codePoint = codePoint4(b, p);
          cbuf[cp++] = Character.highSurrogate(codePoint);
          cbuf[cp++] = Character.lowSurrogate(codePoint);
          nonAscii.add((base + cp0) << EXTRA_BITS | 2);
          pos = p + 4;
          continue;
        }
        malformed(cbuf, cp++, base, valid);
        continue;
      }
      malformed(cbuf, cp++, base, 1); // a continuation byte or an impossible lead byte
    }
    int produced = cp - off;
    if (produced == 0) {
      return -1;
    }
    charsOut += produced;
    return produced;
  }

  /** Whether the sequence starting with {@code lead} runs past the bytes read so far. */
  private boolean needsMore(byte lead) {
    if (lead >= 0) {
      return false;
    }
    int l = lead & 0xff;
    int length = l >= 0xf0 ? 4 : l >= 0xe0 ? 3 : 2;
    return limit - pos < length && !inputEnded;
  }

  private void fill() throws IOException {
    int remaining = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, remaining);
      pos = 0;
      limit = remaining;
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      inputEnded = true;
    } else {
      limit += n;
    }
  }

  private static boolean isContinuation(byte x) {
    return (x & 0xc0) == 0x80;
  }

  /** How many bytes of a 3-byte sequence are valid (3 when complete and valid, else at least 1). */
  private static int validPrefix3(byte[] b, int p, int avail, int lead) {
    if (avail < 2) {
      return 1;
    }
    int b1 = b[p + 1] & 0xff;
    int min = lead == 0xe0 ? 0xa0 : 0x80; // no overlong forms
    int max = lead == 0xed ? 0x9f : 0xbf; // no surrogates
    if (b1 < min || b1 > max) {
      return 1;
    }
    if (avail < 3 || !isContinuation(b[p + 2])) {
      return 2;
    }
    return 3;
  }

  /** How many bytes of a 4-byte sequence are valid (4 when complete and valid, else at least 1). */
  private static int validPrefix4(byte[] b, int p, int avail, int lead) {
    if (avail < 2) {
      return 1;
    }
    int b1 = b[p + 1] & 0xff;
    int min = lead == 0xf0 ? 0x90 : 0x80; // no overlong forms
    int max = lead == 0xf4 ? 0x8f : 0xbf; // nothing beyond U+10FFFF
    if (b1 < min || b1 > max) {
      return 1;
    }
    if (avail < 3 || !isContinuation(b[p + 2])) {
      return 2;
    }
    if (avail < 4 || !isContinuation(b[p + 3])) {
      return 3;
    }
    return 4;
  }

  private static int codePoint4(byte[] b, int p) {
    return ((b[p] & 0x07) << 18)
        | ((b[p + 1] & 0x3f) << 12)
        | ((b[p + 2] & 0x3f) << 6)
        | (b[p + 3] & 0x3f);
  }

  /** Stands one U+FFFD for {@code badBytes} undecodable bytes and remembers where. */
  private void malformed(char[] cbuf, int cp, long base, int badBytes) {
    cbuf[cp] = REPLACEMENT;
    nonAscii.add((base + cp) << EXTRA_BITS | (badBytes - 1));
    malformed.add(base + cp);
    pos += badBytes;
  }

  /**
   * Moves the row boundary to the character index {@code charIndex} (the count of characters the
   * parser consumed) and forgets what lies before it. Boundaries only move forward.
   */
  public void advanceTo(long charIndex) {
    while (!nonAscii.isEmpty() && (nonAscii.peek() >>> EXTRA_BITS) < charIndex) {
      extraBytesBeforeBoundary += nonAscii.poll() & EXTRA_MASK;
    }
    while (!newlines.isEmpty() && newlines.peek() < charIndex) {
      newlines.poll();
      newlinesBeforeBoundary++;
    }
    while (!malformed.isEmpty() && malformed.peek() < charIndex) {
      malformed.poll();
    }
    boundary = charIndex;
  }

  /** Bytes decoded before the boundary. */
  public long bytesBeforeBoundary() {
    return boundary + extraBytesBeforeBoundary;
  }

  /** {@code \n} characters before the boundary. */
  public long newlinesBeforeBoundary() {
    return newlinesBeforeBoundary;
  }

  /** {@code \n} characters decoded so far, before and after the boundary. */
  public long newlinesDecoded() {
    return newlinesBeforeBoundary + newlines.size();
  }

  /** Characters handed out so far. */
  public long charsHandedOut() {
    return charsOut;
  }

  /**
   * Where the first undecodable sequence between the boundary and {@code charIndex} is, without
   * moving the boundary.
   *
   * @return {@code null} when there is none
   */
  public Malformed firstMalformedBefore(long charIndex) {
    if (malformed.isEmpty() || malformed.peek() >= charIndex) {
      return null;
    }
    long at = malformed.peek();
    long extra = extraBytesBeforeBoundary;
    for (int i = 0; i < nonAscii.size(); i++) {
      long e = nonAscii.get(i);
      if ((e >>> EXTRA_BITS) >= at) {
        break;
      }
      extra += e & EXTRA_MASK;
    }
    long lines = 0;
    for (int i = 0; i < newlines.size() && newlines.get(i) < at; i++) {
      lines++;
    }
    return new Malformed(at + extra, lines);
  }

  /**
   * An undecodable sequence.
   *
   * @param byteOffset its offset in the decoded bytes
   * @param newlinesAfterBoundary the {@code \n} characters between the boundary and it
   */
  public record Malformed(long byteOffset, long newlinesAfterBoundary) {}

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** A row (or what the parser takes for one) grew past the limit without ending. */
  public static final class RowTooLongException extends IOException {
    private final long chars;

    RowTooLongException(long chars) {
      super("more than " + chars + " characters without a row end");
      this.chars = chars;
    }

    public long chars() {
      return chars;
    }
  }

  /** A FIFO of longs in one array, compacted or grown when full. */
  static final class LongQueue {
    private long[] items = new long[256];
    private int head;
    private int tail;

    void add(long v) {
      if (tail == items.length) {
        int size = tail - head;
        if (size <= items.length / 2) {
          System.arraycopy(items, head, items, 0, size);
        } else {
          long[] bigger = new long[items.length * 2];
          System.arraycopy(items, head, bigger, 0, size);
          items = bigger;
        }
        head = 0;
        tail = size;
      }
      items[tail++] = v;
    }

    boolean isEmpty() {
      return head == tail;
    }

    long peek() {
      return items[head];
    }

    long poll() {
      long v = items[head++];
      if (head == tail) {
        head = 0;
        tail = 0;
      }
      return v;
    }

    int size() {
      return tail - head;
    }

    long get(int i) {
      return items[head + i];
    }
  }
}
