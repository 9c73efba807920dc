package io.cdckinesis.core.internal;

import io.cdckinesis.core.BadInputException;
import io.cdckinesis.core.BadInputReason;
import io.cdckinesis.core.DmsObjectKey;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/**
 * Turns an object's bytes into its uncompressed bytes: gzip is recognised by the key's {@code .gz}
 * suffix and by the gzip magic bytes (some pipelines compress without renaming). Failures of the
 * object's own stream are tagged as {@link SourceReadException}, so that they can be told apart
 * from corrupt compressed data: the first may pass on a retry, the second never does.
 */
final class ObjectInput {

  static final int GZIP_BUFFER = 64 * 1024;
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private ObjectInput() {}

  /** An input failure of the object's stream itself (network, disk), not of its content. */
  static final class SourceReadException extends IOException {
    SourceReadException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * @param fromStart whether {@code raw} starts at the object's first byte: only then is an empty
   *     stream an empty object and a {@code .gz} name a promise of gzip data
   * @throws BadInputException EMPTY_OBJECT or CORRUPT_COMPRESSION for the object
   * @return the uncompressed bytes
   * @throws IOException when the object's stream fails
   */
  static InputStream open(String objectUri, DmsObjectKey key, InputStream raw, boolean fromStart)
      throws IOException {
    PushbackInputStream in = new PushbackInputStream(new Tagged(raw), 2);
    int b1 = in.read();
    if (b1 < 0) {
      if (fromStart) {
        throw new BadInputException(
            objectUri, 0, BadInputReason.EMPTY_OBJECT, "the object is empty");
      }
      return in;
    }
    int b2 = in.read();
    if (b2 >= 0) {
      in.unread(b2);
    }
    in.unread(b1);
    boolean magic = b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2;
    if (!magic) {
      if (fromStart && key.compressed()) {
        throw new BadInputException(
            objectUri,
            0,
            BadInputReason.CORRUPT_COMPRESSION,
            "the name ends in .gz but the data does not start with the gzip magic bytes");
      }
      return in;
    }
    try {
      return new GZIPInputStream(in, GZIP_BUFFER);
    } catch (SourceReadException e) {
      throw e;
    } catch (IOException e) {
      throw new BadInputException(
          objectUri,
          0,
          BadInputReason.CORRUPT_COMPRESSION,
          "the gzip header is corrupt or truncated (" + e.getClass().getSimpleName() + ")",
          e);
    }
  }

  /** Tags every failure of the wrapped stream as a {@link SourceReadException}. */
  private static final class Tagged extends FilterInputStream {
    Tagged(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (SourceReadException e) {
        throw e;
      } catch (IOException e) {
        throw new SourceReadException(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (SourceReadException e) {
        throw e;
      } catch (IOException e) {
        throw new SourceReadException(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw new SourceReadException(e);
      }
    }

    @Override
    public int available() throws IOException {
      try {
        return in.available();
      } catch (IOException e) {
        throw new SourceReadException(e);
      }
    }
  }
}
