package io.cdckinesis.examples.cli;

import io.cdckinesis.core.DmsObjectKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.Objects;

/**
 * One DMS data file to read, on local disk or in S3.
 *
 * @param uri names the file in envelopes ({@code source-uri}) and messages: the path as given, or
 *     {@code s3://bucket/key}
 * @param key the parsed key: table, file kind and place in DMS order
 * @param size the file's size as stored (compressed for {@code .gz}), for progress
 * @param opener opens the file's bytes as stored (the reader decodes gzip itself)
 */
record DmsInput(String uri, DmsObjectKey key, long size, DmsInput.Opener opener) {

  /** Opens a file's bytes, streaming: never the whole file in memory. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * DMS order ({@link DmsObjectKey#compareTo}): per table (CDC_TXN files, which hold several
   * tables, last), full-load files before change files, change files by the time in their name;
   * then by URI so the order is total.
   */
  static final Comparator<DmsInput> DMS_ORDER =
      Comparator.comparing(DmsInput::key).thenComparing(DmsInput::uri);

  DmsInput {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(opener, "opener");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " of " + uri);
    }
  }
}
