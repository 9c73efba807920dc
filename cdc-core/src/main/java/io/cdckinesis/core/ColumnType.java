package io.cdckinesis.core;

import java.util.Locale;

/**
 * How a column's text is turned into a value. Values keep full precision: integers become {@link
 * Long} (or {@link java.math.BigInteger} beyond its range), decimals {@link java.math.BigDecimal}
 * (NaN and the infinities of floating-point columns {@link Double}), booleans {@link Boolean},
 * dates {@link java.time.LocalDate} (or {@link java.time.LocalDateTime} when DMS wrote a time, as
 * for an Oracle DATE), timestamps {@link java.time.LocalDateTime}; everything else stays a {@link
 * String}. docs/reader.md has the table of SQL types, DMS text and JSON form.
 */
public enum ColumnType {
  STRING,
  INTEGER,
  DECIMAL,
  BOOLEAN,
  DATE,
  TIMESTAMP;

  /**
   * Maps a SQL type name, as the source database declares it ({@code INT}, {@code NUMBER(10,2)},
   * {@code DATETIME2(7)}, {@code BIT}...), to a column type. Unknown names map to {@link #STRING},
   * which is always safe.
   */
  public static ColumnType fromSqlType(String sqlType) {
    String t = sqlType.trim().toUpperCase(Locale.ROOT);
    int paren = t.indexOf('(');
    int close = paren < 0 ? -1 : t.indexOf(')', paren);
    String args = paren < 0 ? "" : t.substring(paren + 1, close < 0 ? t.length() : close);
    // the name without its arguments: TIMESTAMP(6) WITH TIME ZONE is not a TIMESTAMP
    String base =
        (paren < 0 ? t : t.substring(0, paren) + (close < 0 ? "" : t.substring(close + 1)))
            .trim()
            .replaceAll("\\s+", " ");
    while (base.endsWith(" UNSIGNED") || base.endsWith(" ZEROFILL") || base.endsWith(" SIGNED")) {
      base = base.substring(0, base.lastIndexOf(' ')); // MySQL integer attributes
    }
    switch (base) {
      case "TINYINT":
      case "SMALLINT":
      case "MEDIUMINT":
      case "INT":
      case "INTEGER":
      case "BIGINT":
      case "INT2":
      case "INT4":
      case "INT8":
      case "SERIAL":
      case "BIGSERIAL":
      case "SMALLSERIAL":
      case "SERIAL2":
      case "SERIAL4":
      case "SERIAL8":
      case "YEAR": // MySQL YEAR: DMS INT2
        return INTEGER;
      case "NUMBER":
      case "NUMERIC":
      case "DECIMAL":
        // NUMBER(p,0) and NUMBER(p) hold integers; NUMBER without scale may hold fractions.
        return args.isEmpty() || args.contains(",") && !args.replace(" ", "").endsWith(",0")
            ? DECIMAL
            : INTEGER;
      case "DEC":
      case "MONEY":
      case "SMALLMONEY":
      case "FLOAT":
      case "REAL":
      case "DOUBLE":
      case "DOUBLE PRECISION":
      case "FLOAT4":
      case "FLOAT8":
      case "BINARY_FLOAT":
      case "BINARY_DOUBLE":
        return DECIMAL;
      case "BIT":
        // SQL Server BIT and MySQL BIT(1) are booleans; PostgreSQL BIT(n) and MySQL BIT(n > 1)
        // are bit strings that DMS writes as text (STRING(n), BYTES), kept as written
        return args.isEmpty() || args.trim().equals("1") ? BOOLEAN : STRING;
      case "BOOL":
      case "BOOLEAN":
        return BOOLEAN;
      case "DATE":
        return DATE;
      case "DATETIME":
      case "DATETIME2":
      case "SMALLDATETIME":
      case "TIMESTAMP":
      case "TIMESTAMP WITHOUT TIME ZONE":
        return TIMESTAMP;
      default:
        return STRING;
    }
  }
}
