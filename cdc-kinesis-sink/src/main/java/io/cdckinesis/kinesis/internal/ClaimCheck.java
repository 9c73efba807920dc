package io.cdckinesis.kinesis.internal;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.PayloadPointer;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.KinesisWriteException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Sends a row too large for one Kinesis record by claim check: its full envelope goes to the
 * payload store, and the stream gets a pointer envelope in its place.
 */
final class ClaimCheck {

  private final StreamRef stream;
  private final EnvelopeCodec codec;
  private final PayloadStore store;
  private final int maxRecordBytes;

  ClaimCheck(StreamRef stream, EnvelopeCodec codec, PayloadStore store, int maxRecordBytes) {
    this.stream = stream;
    this.codec = codec;
    this.store = store;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Stores the envelope and returns the pointer envelope to send.
   *
   * @throws KinesisWriteException (not retryable) without a payload store, or when even the pointer
   *     is too large
   * @throws io.cdckinesis.core.StoreException when the store fails
   */
  byte[] pointerFor(ChangeRecord record, byte[] envelope, int keyBytes) {
    if (store == null) {
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "row of "
              + record.tableId()
              + " at "
              + record.position()
              + " is "
              + (envelope.length + keyBytes)
              + " bytes with its partition key, over the record limit of "
              + maxRecordBytes
              + " bytes for stream "
              + stream
              + ", and no payload store is configured for oversize rows",
          null,
          false);
    }
    String uri = store.put(payloadName(record), envelope);
    byte[] pointer =
        codec.encodePointer(record, new PayloadPointer(uri, envelope.length, sha256Hex(envelope)));
    if (pointer.length + keyBytes > maxRecordBytes) {
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "even the pointer envelope for the row of "
              + record.tableId()
              + " at "
              + record.position()
              + " exceeds the record limit of "
              + maxRecordBytes
              + " bytes",
          null,
          false);
    }
    return pointer;
  }

  /**
   * Where an oversize row is stored: derived from its table and source position only, so sending
   * the same row again (a retried file) overwrites the same object with the same row. The position
   * includes the file's load generation, revision and version: a file DMS wrote again (a reload in
   * place, an overwrite) stores its rows under other names, so a consumer still reading pointers of
   * the old file never fetches a row of the new one.
   */
  static String payloadName(ChangeRecord record) {
    SourceFile file = record.position().file();
    String id =
        record.schema()
            + '\u0000'
            + record.table()
            + '\u0000'
            + file.uri()
            + '\u0000'
            + file.generation()
            + '\u0000'
            + file.revision()
            + '\u0000'
            + (file.version() == null ? "" : file.version())
            + '\u0000'
            + record.position().row();
    return safe(record.schema())
        + "/"
        + safe(record.table())
        + "/"
        + sha256Hex(id.getBytes(StandardCharsets.UTF_8)).substring(0, 32)
        + "-"
        + record.position().row()
        + ".json";
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
