package io.cdckinesis.pipeline.consumer.internal;

import io.cdckinesis.core.ControlRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Keys under which the consumer records column changes as applied, in the same store as row keys.
 * They begin with {@code \S}, which no row key does (escaped names begin with {@code \\}, {@code
 * \.} or {@code \|}); every part is length-prefixed, so no two changes share a key.
 */
final class ControlKeys {

  private static final int MAX_LENGTH = 512;

  private ControlKeys() {}

  /** One key per table, operation and set of columns. */
  static String schemaChange(ControlRecord c) {
    StringBuilder sb = new StringBuilder("\\S");
    part(sb, c.table().schema());
    part(sb, c.table().table());
    part(sb, c.operation().wireName());
    for (String column : c.columns()) {
      part(sb, column);
    }
    String key = sb.toString();
    return key.length() <= MAX_LENGTH ? key : "\\S#" + sha256(key);
  }

  private static void part(StringBuilder sb, String s) {
    sb.append(s.length()).append(':').append(s);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
