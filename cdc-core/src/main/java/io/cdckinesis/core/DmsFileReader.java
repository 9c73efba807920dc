package io.cdckinesis.core;

import java.io.Closeable;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads the change records of one DMS file, one at a time, in constant memory. Not thread-safe.
 * Obtained from {@link DmsCsvReader#open}.
 */
public interface DmsFileReader extends Closeable {

  /**
   * The next record, or {@code null} at the end of the file. With {@link BadRowPolicy#SKIP}, bad
   * rows are handed to the reject sink and skipped.
   *
   * @throws BadInputException for a bad row with {@link BadRowPolicy#FAIL}, and for damage that
   *     ends the file early whatever the policy (corrupt gzip, unterminated quote at the end)
   */
  ChangeRecord read();

  /** Progress after the last row read or rejected; resume from here to skip them. */
  ReadProgress progress();

  /** Rows rejected so far. */
  long rejectedRows();

  /** Closes the underlying stream. */
  @Override
  void close();

  /** The remaining records as a sequential stream; closing the stream closes this reader. */
  default Stream<ChangeRecord> stream() {
    Spliterator<ChangeRecord> s =
        new Spliterators.AbstractSpliterator<>(
            Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
          @Override
          public boolean tryAdvance(Consumer<? super ChangeRecord> action) {
            ChangeRecord r = read();
            if (r == null) {
              return false;
            }
            action.accept(r);
            return true;
          }
        };
    return StreamSupport.stream(s, false).onClose(this::close);
  }
}
