package io.cdckinesis.pipeline.consumer.internal;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.EnvelopeException;
import io.cdckinesis.core.PayloadPointer;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.PayloadStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Decodes a user record into a data or control envelope, fetching oversize payloads. */
public final class Decoder {

  private final EnvelopeCodec codec;
  private final PayloadStore payloads;

  public Decoder(EnvelopeCodec codec, PayloadStore payloads) {
    this.codec = codec;
    this.payloads = payloads;
  }

  /**
   * A {@link Envelope.Data} (pointers resolved) or {@link Envelope.Control}.
   *
   * @throws EnvelopeException when the bytes (or the payload) are not a valid envelope
   * @throws StoreException when the payload cannot be fetched (retryable or not)
   */
  public Envelope decode(byte[] bytes) {
    Envelope e = codec.decode(bytes);
    if (!(e instanceof Envelope.Pointer pointer)) {
      return e;
    }
    if (payloads == null) {
      throw new StoreException(
          "oversize record at " + pointer.position() + " but no payload store is configured",
          null,
          false);
    }
    PayloadPointer p = pointer.payload();
    byte[] payload = payloads.get(p.uri());
    if (payload.length != p.size() || !sha256(payload).equals(p.sha256())) {
      throw new EnvelopeException(
          "oversize payload " + p.uri() + " does not match its pointer (size or SHA-256)");
    }
    ChangeRecord full = codec.decodeRecord(payload);
    if (!full.position().equals(pointer.position())) {
      throw new EnvelopeException("oversize payload " + p.uri() + " is for another position");
    }
    return new Envelope.Data(full);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
