package io.cdckinesis.jdbc.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Values go to the database as text that the database parses into the column's type. The server's
 * own parser keeps full precision, accepts every form the envelope carries (plain numbers, ISO-8601
 * dates and timestamps, {@code true}/{@code false}, {@code NaN}) and works the same whether a value
 * arrived typed (table definitions known to the codec) or as a string (not known).
 */
public final class SqlValues {

  private SqlValues() {}

  /** The text of a value as the envelope writes it; {@code null} for SQL NULL. */
  public static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }
    if (v instanceof Instant i) {
      return i.toString();
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    return v.toString(); // Long, BigInteger, Integer, Double, Boolean, LocalDate
  }
}
