package io.cdckinesis.jdbc.internal;

import io.cdckinesis.core.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A target table as the database has it: its columns, the key columns changes are matched on, and
 * its positions table.
 *
 * @param target the target table's schema and name
 * @param columns its columns, as the database spells them
 * @param keys the key columns, as the database spells them
 * @param positionsName the positions table's name (same schema)
 * @param positionsReady whether the positions table exists with its bookkeeping columns
 */
public record TableShape(
    TableId target,
    List<String> columns,
    List<String> keys,
    String positionsName,
    boolean positionsReady) {

  public TableShape {
    columns = List.copyOf(columns);
    keys = List.copyOf(keys);
  }

  public String qualified() {
    return SqlNames.qualified(target.schema(), target.table());
  }

  public String positionsQualified() {
    return SqlNames.qualified(target.schema(), positionsName);
  }

  /**
   * The target column for a source column: the same name, else the one column whose name differs
   * only in case (a table created by hand with unquoted names), else none.
   */
  public Optional<String> resolve(String sourceColumn) {
    return resolve(columns, sourceColumn);
  }

  static Optional<String> resolve(List<String> columns, String sourceColumn) {
    if (columns.contains(sourceColumn)) {
      return Optional.of(sourceColumn);
    }
    String folded = sourceColumn.toLowerCase(Locale.ROOT);
    List<String> matches = new ArrayList<>(1);
    for (String c : columns) {
      if (c.toLowerCase(Locale.ROOT).equals(folded)) {
        matches.add(c);
      }
    }
    return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
  }
}
