package io.cdckinesis.jdbc;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.util.List;

/** Change and control records for tests, positioned in DMS change files of a generation. */
final class Changes {

  static final TableId CUSTOMER = TableId.of("dbo", "Customer");

  private Changes() {}

  /** A position: row {@code row} of change file {@code file} (its time order) in generation g. */
  static SourcePosition at(long generation, int file, long row) {
    String uri = String.format("s3://dms/dbo/Customer/20260101-%09d.csv", file);
    return new SourcePosition(new SourceFile(uri, generation, 1, null), row, row + 1);
  }

  /** A full-load row of generation g. */
  static SourcePosition load(long generation, long row) {
    return new SourcePosition(
        new SourceFile("s3://dms/dbo/Customer/LOAD00000001.csv", generation, 1, null),
        row,
        row + 1);
  }

  static ChangeRecord customer(Operation op, SourcePosition at, long id, String name) {
    return ChangeRecord.builder()
        .operation(op)
        .table(CUSTOMER)
        .value("id", id)
        .value("name", name)
        .primaryKey("id")
        .position(at)
        .build();
  }

  static ControlRecord reset(TableId table, long generation) {
    return new ControlRecord(
        ControlOperation.TRUNCATE_TABLE,
        table,
        new SourceFile(
            "s3://dms/" + table.schema() + "/" + table.table() + "/", generation, 1, null),
        null,
        "reload",
        List.of());
  }

  static ControlRecord columns(ControlOperation op, TableId table, String... columns) {
    return new ControlRecord(
        op,
        table,
        new SourceFile("s3://dms/" + table.schema() + "/" + table.table() + "/", 1, 1, null),
        null,
        "ddl",
        List.of(columns));
  }
}
