package io.cdckinesis.core;

/** DMS {@code CompressionType}. Readers also detect gzip by its magic bytes, whatever this says. */
public enum CompressionType {
  NONE,
  GZIP
}
