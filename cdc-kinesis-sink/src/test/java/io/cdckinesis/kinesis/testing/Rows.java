package io.cdckinesis.kinesis.testing;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import java.time.Instant;

/** Change records for tests. */
public final class Rows {

  public static final String OBJECT = "s3://dms-bucket/dbo/Customer/20260102-030405123.csv";

  private Rows() {}

  /** Row number {@code row} of the test object, a change to customer {@code id}. */
  public static ChangeRecord customer(long id, long row) {
    return customer(id, row, "name-" + row);
  }

  public static ChangeRecord customer(long id, long row, String name) {
    return ChangeRecord.builder()
        .operation(row % 3 == 0 ? Operation.UPDATE : Operation.INSERT)
        .table("dbo", "Customer")
        .value("id", id)
        .value("name", name)
        .primaryKey("id")
        .commitTimestamp(Instant.parse("2026-01-02T03:04:05.123456Z"))
        .position(OBJECT, row, row + 1)
        .build();
  }
}
