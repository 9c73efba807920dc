package io.cdckinesis.core;

/** Why a row or an object could not be read. */
public enum BadInputReason {
  /** A row has more or fewer fields than the header or table definition. */
  WRONG_FIELD_COUNT,
  /** The Op field is not I, U or D (or not allowed by the settings). */
  UNKNOWN_OPERATION,
  /** A quoted field is never closed before the end of the input. */
  UNTERMINATED_QUOTE,
  /** The bytes are not valid UTF-8. */
  INVALID_ENCODING,
  /** The gzip stream is corrupt or ends early. */
  CORRUPT_COMPRESSION,
  /** A field does not parse as its column's type, or the timestamp column is malformed. */
  INVALID_VALUE,
  /** The header is missing, empty, or does not match the table definition. */
  INVALID_HEADER,
  /** The columns of the table are unknown (no header and no table definition). */
  UNKNOWN_TABLE,
  /** The object has no bytes at all. */
  EMPTY_OBJECT,
  /** Anything else the CSV parser rejects. */
  MALFORMED_CSV,
  /**
   * The rows of a file without a header have another number of fields than the table's configured
   * columns from the file's first row on: the columns changed at the source (ADD or DROP COLUMN).
   */
  COLUMNS_CHANGED,
  /** The rows end in {@code \r\n} while CsvRowDelimiter is {@code \n}, or the reverse. */
  ROW_DELIMITER_MISMATCH
}
