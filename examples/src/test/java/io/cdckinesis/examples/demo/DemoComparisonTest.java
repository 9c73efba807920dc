package io.cdckinesis.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.examples.handlers.Replica;
import io.cdckinesis.examples.handlers.ReplicaTableHandler;
import io.cdckinesis.local.dms.SourceDatabase;
import io.cdckinesis.local.dms.SourceTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoComparisonTest {

  private static ChangeInput change(SourceTable t, Operation op, List<Object> row) {
    ChangeRecord.Builder b =
        ChangeRecord.builder()
            .operation(op)
            .table(t.id())
            .primaryKey(t.definition().primaryKey())
            .position("s3://b/x/LOAD00000001.csv", 1, 1);
    for (int i = 0; i < row.size(); i++) {
      b.value(t.columns().get(i), row.get(i));
    }
    ChangeRecord r = b.build();
    return ChangeInput.builder().record(r).rowKey(r.keyValues().toString()).build();
  }

  @Test
  void aReplicaBuiltFromTheSourceMatchesAndEveryKindOfDifferenceIsReported() {
    SourceDatabase db = new SourceDatabase(1, 1);
    db.populate(5);
    SourceTable customers = db.tables().values().iterator().next();
    Replica replica = new Replica();
    ReplicaTableHandler handler = new ReplicaTableHandler(replica);
    for (List<Object> row : customers.rows().values()) {
      handler.handle(change(customers, Operation.LOAD, row));
    }

    assertThat(DemoPipeline.compare(db, replica)).isEmpty();

    Map.Entry<List<Object>, List<Object>> first = customers.rows().entrySet().iterator().next();
    handler.handle(change(customers, Operation.DELETE, first.getValue()));
    List<Object> changed =
        new java.util.ArrayList<>(
            customers.rows().values().stream().skip(1).findFirst().orElseThrow());
    changed.set(1, "someone else");
    handler.handle(change(customers, Operation.UPDATE, changed));
    List<Object> extra = new java.util.ArrayList<>(first.getValue());
    extra.set(0, 999L);
    handler.handle(change(customers, Operation.INSERT, extra));

    assertThat(DemoPipeline.compare(db, replica))
        .containsExactly("dbo.customers: 1 rows missing, 1 extra, 1 different (of 5)");
  }
}
