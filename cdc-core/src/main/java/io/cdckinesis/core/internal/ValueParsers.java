package io.cdckinesis.core.internal;

import io.cdckinesis.core.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * Text to typed values, shared by the CSV reader (DMS text) and the envelope decoder (ISO text).
 * Throws {@link IllegalArgumentException} with a message free of the value itself, so that callers
 * can report it without leaking row data.
 */
public final class ValueParsers {

  /** {@code yyyy-MM-dd HH:mm:ss[.f...]} (DMS) or {@code yyyy-MM-ddTHH:mm:ss[.f...]} (ISO). */
  private static final DateTimeFormatter LOCAL_DATE_TIME =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT); // 2024-02-30 is an error, not 02-29

  private ValueParsers() {}

  /**
   * Parses a field's text as the column type; {@link ColumnType#STRING} returns the text.
   *
   * @throws IllegalArgumentException naming the expected type (not the value) when it does not
   *     parse
   */
  public static Object parse(ColumnType type, String text) {
    try {
      return switch (type) {
        case STRING -> text;
        case INTEGER -> parseInteger(text);
        case DECIMAL -> parseDecimal(text);
        case BOOLEAN -> parseBoolean(text);
        case DATE -> parseDate(text);
        case TIMESTAMP -> parseLocalDateTime(text);
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a valid " + type + " value", e);
    }
  }

  /**
   * A decimal or floating-point value as {@link BigDecimal} (never with a negative scale, so that
   * its plain JSON form reads back equal); the IEEE 754 special values that FLOAT, REAL, DOUBLE and
   * PostgreSQL's NUMERIC can hold ({@code NaN}, {@code Infinity}, {@code -Infinity}, also written
   * {@code nan}, {@code inf}, {@code -inf}) as {@link Double}.
   */
  public static Object parseDecimal(String text) {
    String t = text.trim();
    try {
      BigDecimal d = new BigDecimal(t);
      // 1.5E+10 has scale -9; the envelope writes it plain, which reads back with scale 0
      return d.scale() < 0 ? d.setScale(0) : d;
    } catch (NumberFormatException e) {
      Double special = specialDouble(t);
      if (special == null) {
        throw e;
      }
      return special;
    }
  }

  /** NaN or an infinity as its Java name or the C library's, any case; else {@code null}. */
  public static Double specialDouble(String t) {
    String s = t.startsWith("+") ? t.substring(1) : t;
    boolean negative = s.startsWith("-");
    if (negative) {
      s = s.substring(1);
    }
    if (s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("inf")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (s.equalsIgnoreCase("nan") && !negative) {
      return Double.NaN;
    }
    return null;
  }

  /** Integers as {@link Long}, or {@link BigInteger} beyond its range. */
  public static Object parseInteger(String text) {
    String t = text.trim();
    if (t.length() <= 18) {
      return Long.parseLong(t);
    }
    BigInteger big = new BigInteger(t);
    return big.bitLength() < 64 ? (Object) big.longValue() : big;
  }

  /** DMS writes BIT and BOOLEAN columns as 1/0 or true/false depending on the source. */
  public static Boolean parseBoolean(String text) {
    String t = text.trim();
    if (t.equals("1") || t.equalsIgnoreCase("true") || t.equalsIgnoreCase("t")) {
      return Boolean.TRUE;
    }
    if (t.equals("0") || t.equalsIgnoreCase("false") || t.equalsIgnoreCase("f")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("not a valid BOOLEAN value");
  }

  /**
   * A DATE column's value as written: {@code yyyy-MM-dd} is a {@link LocalDate}; with a time of day
   * ({@code yyyy-MM-dd HH:mm:ss[.f]}, as DMS writes an Oracle DATE, which holds one) it is a {@link
   * LocalDateTime}, so that the time is neither lost nor a reason to reject the row.
   */
  public static Object parseDate(String text) {
    String t = text.trim();
    if (t.length() == 10) {
      return LocalDate.parse(t);
    }
    return parseLocalDateTime(t);
  }

  public static LocalDateTime parseLocalDateTime(String text) {
    LocalDateTime fast = parseCommonDateTime(text);
    return fast != null ? fast : LocalDateTime.parse(text.trim(), LOCAL_DATE_TIME);
  }

  /**
   * The common shape {@code yyyy-MM-dd HH:mm:ss[.f{1,9}]} (or with {@code T}) without the
   * formatter, which costs about a microsecond a call: DMS writes a timestamp on every row.
   *
   * @return {@code null} when the text has another shape (the formatter then decides)
   */
  static LocalDateTime parseCommonDateTime(String t) {
    int n = t.length();
    if (n < 19
        || n == 20
        || n > 29
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || (t.charAt(10) != ' ' && t.charAt(10) != 'T')
        || t.charAt(13) != ':'
        || t.charAt(16) != ':'
        || (n > 19 && t.charAt(19) != '.')) {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 7);
    int day = digits(t, 8, 10);
    int hour = digits(t, 11, 13);
    int minute = digits(t, 14, 16);
    int second = digits(t, 17, 19);
    int nanos = 0;
    if (n > 19) {
      int fraction = digits(t, 20, n);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = n - 20; i < 9; i++) {
        nanos *= 10;
      }
    }
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    } catch (DateTimeException e) {
      return null; // out of range: let the formatter report it
    }
  }

  /** The decimal value of {@code t[from, to)}, or -1 when not all digits. */
  private static int digits(String t, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = t.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /**
   * A DMS timestamp column value ({@code yyyy-MM-dd HH:mm:ss.SSSSSS}, UTC) as an instant.
   *
   * @throws IllegalArgumentException when malformed
   */
  public static Instant parseDmsTimestamp(String text) {
    try {
      return parseLocalDateTime(text).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a valid DMS timestamp (yyyy-MM-dd HH:mm:ss.SSSSSS)", e);
    }
  }
}
