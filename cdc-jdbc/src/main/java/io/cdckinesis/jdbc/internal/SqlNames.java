package io.cdckinesis.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Identifiers in generated SQL: always quoted (DMS keeps the source's case, and names may hold
 * spaces, dots or quotes), never interpolated unquoted.
 */
public final class SqlNames {

  private SqlNames() {}

  /** {@code "name"}, with embedded double quotes doubled (SQL standard, PostgreSQL and H2). */
  public static String quote(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains a NUL character");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code "schema"."table"}, or just {@code "table"} when schema is {@code null}. */
  public static String qualified(String schema, String table) {
    return schema == null ? quote(table) : quote(schema) + '.' + quote(table);
  }

  /** Quoted names joined by {@code ", "}. */
  public static String list(List<String> names) {
    return names.stream().map(SqlNames::quote).collect(Collectors.joining(", "));
  }

  /** {@code prefix"a" = ? AND prefix"b" = ?}. */
  public static String keyMatch(String prefix, List<String> keys) {
    return keys.stream().map(k -> prefix + quote(k) + " = ?").collect(Collectors.joining(" AND "));
  }

  /** UTF-8 length, which is what PostgreSQL's identifier limit counts. */
  public static int utf8Length(String name) {
    return name.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * A name made of {@code base} and {@code suffix} that fits {@code maxBytes} UTF-8 bytes: as is
   * when it fits, else {@code base} cut at a character boundary plus {@code _} and 8 hex digits of
   * the SHA-256 of the whole base, so that two long names that share a prefix stay distinct.
   */
  public static String derived(String base, String suffix, int maxBytes) {
    String whole = base + suffix;
    if (utf8Length(whole) <= maxBytes) {
      return whole;
    }
    String hash = "_" + HexFormat.of().formatHex(sha256(base), 0, 4);
    int room = maxBytes - utf8Length(suffix) - hash.length();
    StringBuilder cut = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < base.length(); ) {
      int cp = base.codePointAt(i);
      int n = utf8Length(new String(Character.toChars(cp)));
      if (bytes + n > room) {
        break;
      }
      cut.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return cut + hash + suffix;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
