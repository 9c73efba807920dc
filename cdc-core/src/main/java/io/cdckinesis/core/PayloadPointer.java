package io.cdckinesis.core;

import java.util.Objects;

/**
 * Where the full envelope of an oversize record was stored, sent on the stream in its place.
 *
 * @param uri where the payload is, e.g. {@code s3://bucket/oversize/...}
 * @param size the payload's length in bytes
 * @param sha256 the payload's SHA-256, lower-case hex, checked when it is fetched back
 */
public record PayloadPointer(String uri, long size, String sha256) {

  public PayloadPointer {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0");
    }
  }
}
