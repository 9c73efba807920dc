package io.cdckinesis.local.dms;

import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableId;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;

/**
 * One change committed at the simulated source: the row after an insert or update, the row as it
 * was before a delete (as DMS writes them).
 *
 * @param unsupplied columns whose value DMS does not get for this change (an Oracle LOB an UPDATE
 *     did not touch): with {@code UseCsvNoSupValue} the writer puts {@code CsvNoSupValue} there;
 *     the row still holds the value, which did not change
 */
public record SourceChange(
    Operation operation,
    TableId table,
    List<Object> row,
    LocalDateTime commitTime,
    Set<String> unsupplied) {

  public SourceChange {
    unsupplied = unsupplied == null ? Set.of() : Set.copyOf(unsupplied);
  }

  /** A change DMS gets every column of. */
  public SourceChange(
      Operation operation, TableId table, List<Object> row, LocalDateTime commitTime) {
    this(operation, table, row, commitTime, Set.of());
  }
}
