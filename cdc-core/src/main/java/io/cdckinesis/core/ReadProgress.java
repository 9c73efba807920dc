package io.cdckinesis.core;

import java.util.List;
import java.util.Objects;

/**
 * How far a reader has got in one object: enough to resume reading it later without reading the
 * finished rows again.
 *
 * @param rowsDone rows consumed so far (returned or rejected); the next row is {@code rowsDone + 1}
 * @param nextLine the 1-based line the next row starts on
 * @param nextByteOffset the offset, in the uncompressed bytes of the object, where the next row
 *     starts; a ranged read from here resumes an uncompressed object
 * @param header the header line's fields as DMS wrote them (including Op and the timestamp column),
 *     or empty when the object has no header; a reader resumed mid-object needs it
 */
public record ReadProgress(long rowsDone, long nextLine, long nextByteOffset, List<String> header) {

  /** The progress before anything has been read. */
  public static final ReadProgress START = new ReadProgress(0, 1, 0, List.of());

  public ReadProgress {
    if (rowsDone < 0 || nextLine < 1 || nextByteOffset < 0) {
      throw new IllegalArgumentException(
          "invalid progress: rows " + rowsDone + ", line " + nextLine + ", byte " + nextByteOffset);
    }
    header = List.copyOf(Objects.requireNonNull(header, "header"));
  }

  /** Whether nothing has been read yet. */
  public boolean atStart() {
    return rowsDone == 0 && nextByteOffset == 0;
  }
}
