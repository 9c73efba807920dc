package io.cdckinesis.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One version of one DMS file, as the producer sent it: the object, the load generation of its
 * table, and which version of the object it was.
 *
 * <p>The generation orders a table's output across full loads: every reload (a full load written
 * again, a truncate) starts a new, higher generation, so the rows of a reload supersede every
 * change sent before it, even though {@code LOAD00000001.csv} sorts before any change file by name.
 * The revision orders versions of one object within a generation (an object overwritten while it
 * was being sent is sent again as revision 2, whose rows supersede revision 1's).
 *
 * @param uri the object, e.g. {@code s3://bucket/dbo/T/LOAD00000001.csv}, or a local path
 * @param generation the table's load generation when the file was sent; 0 when unknown (files
 *     converted without a producer, envelopes written before generations existed)
 * @param revision 1 for the first version of the object sent in its generation, then 2, 3...
 * @param version the object's version id or ETag, or {@code null}; informational, not ordered
 */
public record SourceFile(String uri, long generation, int revision, String version)
    implements Comparable<SourceFile> {

  public SourceFile {
    Objects.requireNonNull(uri, "uri");
    if (generation < 0) {
      throw new IllegalArgumentException("generation must be >= 0, got " + generation);
    }
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be >= 1, got " + revision);
    }
  }

  /** A file with no generation (0), revision 1 and no version. */
  public static SourceFile of(String uri) {
    return new SourceFile(uri, 0, 1, null);
  }

  /** The DMS file name at the end of the URI, if it is one. */
  public Optional<DmsFileName> fileName() {
    return DmsFileName.parseLastSegment(uri);
  }

  /**
   * DMS output order: generation first; within a generation, files in DMS order (every full-load
   * file before every change file, change files by the time in their name), two objects with the
   * same name by URI, then revisions of one object. The version does not take part: two files that
   * differ only in it compare equal, as they denote the same place in the output.
   */
  @Override
  public int compareTo(SourceFile other) {
    int c = Long.compare(generation, other.generation);
    if (c != 0) {
      return c;
    }
    if (!uri.equals(other.uri)) {
      return DmsFileName.LOCATION_ORDER.compare(uri, other.uri);
    }
    return Integer.compare(revision, other.revision);
  }

  /** The URI, with the generation and revision when they are not the defaults. */
  @Override
  public String toString() {
    if (generation == 0 && revision == 1) {
      return uri;
    }
    return uri + " (generation " + generation + ", revision " + revision + ")";
  }
}
