package io.cdckinesis.kinesis;

import io.cdckinesis.core.ChangeRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The partition key of a change record: its table and primary-key values, so that every change of
 * one row goes to one shard, in order.
 *
 * <p>Format: {@code schema.table} followed by {@code |value} for each key column, in key order.
 * Backslash escapes make it unambiguous: in the schema and table names {@code \}, {@code .} and
 * {@code |} are written {@code \\}, {@code \.} and {@code \|}; in values {@code \} and {@code |}
 * are written {@code \\} and {@code \|}; SQL NULL is {@code \N}. So {@code dbo.Customer|7}, {@code
 * sales.Order\.Line|2024|17}. Values are written as in the envelope: numbers in plain notation,
 * dates and timestamps in ISO-8601, binary in Base64.
 *
 * <p>Without a known primary key the key is {@code schema.table} alone (every row of the table on
 * one shard, in order). A key longer than Kinesis allows (256 characters) is replaced by its hash:
 * the escaped {@code schema.table}, cut short if needed, then {@code \#} and the lower-case hex
 * SHA-256 of the full key, e.g. {@code dbo.Doc\#3f0a...}; {@code \#} never occurs in an unhashed
 * key, so the two forms cannot collide.
 */
public final class PartitionKeys {

  /** Kinesis allows 1..256 characters. */
  public static final int MAX_LENGTH = 256;

  private static final String HASH_MARK = "\\#";
  private static final int SHA256_HEX = 64;

  private PartitionKeys() {}

  /** The partition key of a record. */
  public static String of(ChangeRecord record) {
    String table = escapeName(record.schema()) + "." + escapeName(record.table());
    List<Object> values = record.keyValues();
    String key;
    if (values.isEmpty()) {
      key = table;
    } else {
      StringBuilder b = new StringBuilder(table.length() + 16 * values.size()).append(table);
      for (Object v : values) {
        b.append('|');
        if (v == null) {
          b.append("\\N");
        } else {
          escapeValue(render(v), b);
        }
      }
      key = b.toString();
    }
    // UTF-16 length >= code points, so this never lets a too-long key through.
    return key.length() <= MAX_LENGTH ? key : hashed(table, key);
  }

  private static String hashed(String table, String key) {
    int room = MAX_LENGTH - HASH_MARK.length() - SHA256_HEX;
    String prefix = table.length() <= room ? table : cut(table, room);
    return prefix + HASH_MARK + HexFormat.of().formatHex(sha256(key));
  }

  /** Cuts at a code-point boundary, so no half surrogate pair is left at the end. */
  private static String cut(String s, int maxChars) {
    int end = maxChars;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String escapeName(String name) {
    StringBuilder b = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' || c == '.' || c == '|') {
        if (b == null) {
          b = new StringBuilder(name.length() + 4).append(name, 0, i);
        }
        b.append('\\');
      }
      if (b != null) {
        b.append(c);
      }
    }
    return b == null ? name : b.toString();
  }

  private static void escapeValue(String v, StringBuilder b) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' || c == '|') {
        b.append('\\');
      }
      b.append(c);
    }
  }

  private static String render(Object v) {
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof Instant i) {
      return i.toString();
    }
    if (v instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t); // always with seconds
    }
    return v.toString(); // String, Long, BigInteger, Boolean, LocalDate
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
