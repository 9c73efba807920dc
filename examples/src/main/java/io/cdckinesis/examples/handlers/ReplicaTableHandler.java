package io.cdckinesis.examples.handlers;

import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import java.util.Objects;

/**
 * Keeps a {@link Replica} of the tables it handles: loads, inserts and updates write the row,
 * deletes remove it, a table reset (truncate, drop, reload) removes the rows of older load
 * generations, column changes add or drop the column in every row. The simplest useful consumer;
 * replace the map with your database.
 */
public class ReplicaTableHandler extends TableHandler {

  private final Replica replica;

  public ReplicaTableHandler(Replica replica) {
    this.replica = Objects.requireNonNull(replica, "replica");
  }

  @Override
  protected void onInsert(ChangeInput in) {
    replica.upsert(in.record());
  }

  @Override
  protected void onUpdate(ChangeInput in) {
    replica.upsert(in.record());
  }

  @Override
  protected void onDelete(ChangeInput in) {
    replica.delete(in.record());
  }

  @Override
  public void onTruncate(TruncateInput in) {
    replica.reset(in.table(), in.generation());
  }

  @Override
  public void onSchemaChange(SchemaChangeInput in) {
    if (in.operation() == ControlOperation.ADD_COLUMN) {
      replica.addColumns(in.table(), in.columns());
    } else {
      replica.dropColumns(in.table(), in.columns());
    }
  }
}
