package io.cdckinesis.s3;

import io.cdckinesis.core.ObjectChangedException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The bytes of one S3 object version, streamed (never held in memory), from {@link #startByte()} to
 * the end. Obtained from {@link S3ObjectSource#open}. Broken connections are resumed underneath
 * with ranged reads; the reader sees one unbroken stream. Gzip objects are delivered as stored
 * (compressed): the DMS reader decodes them.
 *
 * <p>Reads throw {@link ObjectChangedException} when the object is replaced mid-read, and {@link
 * S3ReadException} when it cannot be read any further. Not thread-safe. Close it to release the
 * connection (a partly read stream is aborted, not drained).
 */
public final class S3ObjectStream extends InputStream {

  private final S3ObjectRef ref;
  private final S3ObjectMetadata metadata;
  private final long startByte;
  private final boolean positioned;
  private final InputStream in;

  S3ObjectStream(
      S3ObjectRef ref,
      S3ObjectMetadata metadata,
      long startByte,
      boolean positioned,
      InputStream in) {
    this.ref = Objects.requireNonNull(ref, "ref");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.startByte = startByte;
    this.positioned = positioned;
    this.in = Objects.requireNonNull(in, "in");
  }

  /** The object, with the version being read when the bucket is versioned. */
  public S3ObjectRef ref() {
    return metadata.versionId() == null ? ref : ref.withVersionId(metadata.versionId());
  }

  /** Size, ETag, version and type of the object version being read. */
  public S3ObjectMetadata metadata() {
    return metadata;
  }

  /** The object offset of the first byte this stream delivers (0 for a whole-object read). */
  public long startByte() {
    return startByte;
  }

  /**
   * Whether the stream starts at the requested byte. {@code false} when a resume was asked for but
   * the object is compressed, so the stream starts at byte 0 and the reader has to skip the rows
   * already done. Pass it as {@code positioned} to {@link io.cdckinesis.core.DmsCsvReader#resume}.
   */
  public boolean positioned() {
    return positioned;
  }

  @Override
  public int read() throws IOException {
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
