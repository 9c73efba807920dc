package io.cdckinesis.core;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a change came from in the DMS output: the object, the row number within it (1-based, header
 * not counted) and the line its text starts on (1-based, for messages).
 *
 * <p>Positions are totally ordered in DMS output order: objects by {@link DmsFileName} (all
 * full-load files before CDC files, CDC files by the time in their name), then rows by number. Two
 * different objects with the same file name (say, in two buckets) order by URI, so the order is
 * total and consistent with {@link #equals}.
 */
public record SourcePosition(String objectUri, long row, long line)
    implements Comparable<SourcePosition> {

  private static final Comparator<Optional<DmsFileName>> FILE_ORDER =
      Comparator.comparing(
          (Optional<DmsFileName> f) -> f.orElse(null),
          Comparator.nullsFirst(Comparator.naturalOrder()));

  public SourcePosition {
    Objects.requireNonNull(objectUri, "objectUri");
    if (row < 1) {
      throw new IllegalArgumentException("row must be >= 1, got " + row);
    }
    if (line < 1) {
      throw new IllegalArgumentException("line must be >= 1, got " + line);
    }
  }

  /** The DMS file name at the end of the object URI, if it is one. */
  public Optional<DmsFileName> fileName() {
    return DmsFileName.parseLastSegment(objectUri);
  }

  /** Whether this position comes after {@code other} in DMS output order. */
  public boolean isAfter(SourcePosition other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(SourcePosition other) {
    if (!objectUri.equals(other.objectUri)) {
      int c = FILE_ORDER.compare(fileName(), other.fileName());
      return c != 0 ? c : objectUri.compareTo(other.objectUri);
    }
    return Long.compare(row, other.row);
  }

  /** {@code uri:line}, the form used in error messages. */
  @Override
  public String toString() {
    return objectUri + ":" + line + " (row " + row + ")";
  }
}
