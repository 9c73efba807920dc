package io.cdckinesis.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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

  private final InputStream in;
  private final long maxCharsAhead;
  private IOException failure;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes;
  private boolean inputEnded;
  private boolean flushed;
  private boolean needMoreBytes;
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
    this.bytes = ByteBuffer.allocate(byteBufferSize);
    this.bytes.flip(); // empty, in read mode
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

  private int decode(char[] cbuf, int off, int len) throws IOException {
    if (charsOut - boundary > maxCharsAhead) {
      throw new RowTooLongException(charsOut - boundary);
    }
    if (len == 0) {
      return 0;
    }
    if (pendingLowSurrogate != 0) {
      cbuf[off] = pendingLowSurrogate;
      pendingLowSurrogate = 0;
      charsOut++;
      return 1;
    }
    if (flushed) {
      return -1;
    }
    CharBuffer out = CharBuffer.wrap(cbuf, off, len);
    while (out.hasRemaining()) {
      // read more when the buffer is empty or holds only the start of a sequence
      if ((!bytes.hasRemaining() || needMoreBytes) && !inputEnded) {
        try {
          fill();
        } catch (IOException e) {
          if (out.position() > off) {
            failure = e; // hand out what was decoded; the next call ends the input
            break;
          }
          throw e;
        }
      }
      needMoreBytes = false;
      int before = out.position();
      CoderResult result = decoder.decode(bytes, out, inputEnded);
      record(cbuf, before, out.position(), off);
      if (result.isMalformed() || result.isUnmappable()) {
        replaceMalformed(out, off, result.length());
      } else if (result.isOverflow()) {
        if (out.position() == off && len == 1) {
          return readSurrogatePair(cbuf, off);
        }
        break;
      } else if (inputEnded) { // underflow with every byte read: the end
        decoder.flush(out);
        flushed = true;
        break;
      } else {
        needMoreBytes = bytes.hasRemaining();
      }
    }
    int produced = out.position() - off;
    if (produced == 0) {
      return -1;
    }
    charsOut += produced;
    return produced;
  }

  private void fill() throws IOException {
    bytes.compact();
    try {
      int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      if (n < 0) {
        inputEnded = true;
      } else {
        bytes.position(bytes.position() + n);
      }
    } finally {
      bytes.flip();
    }
  }

  private void replaceMalformed(CharBuffer out, int off, int badBytes) {
    if (!out.hasRemaining()) {
      return; // decoded again on the next call, which reports the same bytes
    }
    long index = charsOut + (out.position() - off);
    out.put('\uFFFD');
    bytes.position(bytes.position() + badBytes);
    nonAscii.add(index << EXTRA_BITS | (badBytes - 1));
    malformed.add(index);
  }

  private int readSurrogatePair(char[] cbuf, int off) throws IOException {
    char[] two = new char[2];
    int n = decode(two, 0, 2); // counts both chars in charsOut
    if (n <= 0) {
      return n;
    }
    cbuf[off] = two[0];
    if (n == 2) {
      pendingLowSurrogate = two[1];
      charsOut--; // handed out on the next call
    }
    return 1;
  }

  /** Remembers the non-ASCII and newline characters among the ones just decoded. */
  private void record(char[] cbuf, int from, int to, int off) {
    long base = charsOut - off;
    for (int k = from; k < to; k++) {
      char c = cbuf[k];
      if (c < 0x80) {
        if (c == '\n') {
          newlines.add(base + k);
        }
      } else if (c < 0x800) {
        nonAscii.add((base + k) << EXTRA_BITS | 1);
      } else if (Character.isHighSurrogate(c)) {
        nonAscii.add((base + k) << EXTRA_BITS | 2); // 4 bytes for the pair's 2 chars
      } else if (!Character.isLowSurrogate(c)) {
        nonAscii.add((base + k) << EXTRA_BITS | 2);
      }
    }
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
