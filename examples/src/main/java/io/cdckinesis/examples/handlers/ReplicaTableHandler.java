package io.cdckinesis.examples.handlers;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.lambda.TableHandler;
import java.util.Objects;

/**
 * Keeps a {@link Replica} of the tables it handles: loads, inserts and updates write the row,
 * deletes remove it. The simplest useful consumer; replace the map with your database.
 */
public class ReplicaTableHandler extends TableHandler {

  private final Replica replica;

  public ReplicaTableHandler(Replica replica) {
    this.replica = Objects.requireNonNull(replica, "replica");
  }

  @Override
  protected void onInsert(ChangeRecord record) {
    replica.upsert(record);
  }

  @Override
  protected void onUpdate(ChangeRecord record) {
    replica.upsert(record);
  }

  @Override
  protected void onDelete(ChangeRecord record) {
    replica.delete(record);
  }
}
