package io.cdckinesis.core;

import java.io.Closeable;
import java.util.List;
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

  /**
   * The data columns of this file's table as this file has them, in file order, without Op and the
   * timestamp column: the header's (each file's header wins over configured columns, so a column
   * added or dropped at the source shows here), or for a file without a header the configured
   * columns that hold for it ({@link TableDefinition#columnsFor}). Known once the reader is open;
   * empty for CDC_TXN files, which hold several tables. A record may have fewer columns (see {@link
   * ChangeRecord#unsupplied()}).
   */
  List<String> columns();

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
