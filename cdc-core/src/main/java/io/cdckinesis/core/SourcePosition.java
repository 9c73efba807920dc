package io.cdckinesis.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a change came from in the DMS output: the file (which version of which object, in which
 * load generation of its table), the row number within it (1-based, header not counted) and the
 * line its text starts on (1-based, for messages).
 *
 * <p>Positions are totally ordered per table in DMS output order: by {@link SourceFile}
 * (generation, then DMS file order, then revision), then by row. One row's changes therefore
 * compare in the order they happened at the source, across reloads and overwritten objects; the
 * consumer relies on it to never apply an older change over a newer one. The order is consistent
 * with {@link #equals} except that the file's informational {@link SourceFile#version()} and the
 * line are ignored by it.
 */
public record SourcePosition(SourceFile file, long row, long line)
    implements Comparable<SourcePosition> {

  public SourcePosition {
    Objects.requireNonNull(file, "file");
    if (row < 1) {
      throw new IllegalArgumentException("row must be >= 1, got " + row);
    }
    if (line < 1) {
      throw new IllegalArgumentException("line must be >= 1, got " + line);
    }
  }

  /** A position in a file with no generation (see {@link SourceFile#of}). */
  public SourcePosition(String objectUri, long row, long line) {
    this(SourceFile.of(objectUri), row, line);
  }

  /** The object's URI. */
  public String objectUri() {
    return file.uri();
  }

  /** The table's load generation when the file was sent (0 when unknown). */
  public long generation() {
    return file.generation();
  }

  /** The DMS file name at the end of the object URI, if it is one. */
  public Optional<DmsFileName> fileName() {
    return file.fileName();
  }

  /** Whether this position comes after {@code other} in DMS output order. */
  public boolean isAfter(SourcePosition other) {
    return compareTo(other) > 0;
  }

  /**
   * The position as a string whose plain ordering (by UTF-16 code unit, and equally by UTF-8 byte,
   * as DynamoDB and SQL {@code COLLATE "C"} compare) is this class's order: for stores that compare
   * positions themselves, e.g. a conditional write "only if newer". Digits only, fixed-width fields
   * and hex-encoded names, so no collation can disturb it.
   */
  public String sortKey() {
    StringBuilder sb = new StringBuilder(96);
    pad(sb, file.generation(), 19);
    Optional<DmsFileName> name = file.fileName();
    if (name.isEmpty()) {
      sb.append('0'); // nullsFirst, as SourceFile orders them
    } else {
      DmsFileName n = name.get();
      sb.append(n.kind() == DmsFileKind.FULL_LOAD ? '1' : '2');
      hex(sb, n.sequence());
      hex(sb, n.name());
    }
    hex(sb, file.uri());
    pad(sb, file.revision(), 10);
    pad(sb, row, 19);
    return sb.toString();
  }

  private static void pad(StringBuilder sb, long value, int width) {
    String digits = Long.toString(value);
    sb.append("0".repeat(width - digits.length())).append(digits);
  }

  /**
   * A string as UTF-16 code units in hex, 4 digits each, ended by {@code -} (below every hex
   * digit), so that a prefix sorts before its extensions and the order is the string's own.
   */
  private static void hex(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      String h = Integer.toHexString(s.charAt(i));
      sb.append("0".repeat(4 - h.length())).append(h);
    }
    sb.append('-');
  }

  @Override
  public int compareTo(SourcePosition other) {
    int c = file.compareTo(other.file);
    return c != 0 ? c : Long.compare(row, other.row);
  }

  /** {@code uri:line (row n)}, the form used in error messages, plus generation and revision. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file.uri()).append(':').append(line);
    sb.append(" (row ").append(row);
    if (file.generation() != 0) {
      sb.append(", generation ").append(file.generation());
    }
    if (file.revision() != 1) {
      sb.append(", revision ").append(file.revision());
    }
    return sb.append(')').toString();
  }
}
