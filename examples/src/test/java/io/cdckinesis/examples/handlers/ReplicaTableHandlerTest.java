package io.cdckinesis.examples.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.kinesis.PartitionKeys;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaTableHandlerTest {

  private static final TableId T = TableId.of("dbo", "T");

  private final Replica replica = new Replica();
  private final ReplicaTableHandler handler = new ReplicaTableHandler(replica);

  private static ChangeInput change(Operation op, long id, String name, long generation) {
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(op)
            .table(T)
            .primaryKey("id")
            .value("id", id)
            .value("name", name)
            .position(
                new SourcePosition(
                    new SourceFile("s3://b/dbo/T/LOAD00000001.csv", generation, 1, null), id, id))
            .build();
    return ChangeInput.builder().record(r).rowKey(PartitionKeys.of(r)).build();
  }

  private static ControlRecord control(ControlOperation op, long generation, String... columns) {
    return new ControlRecord(
        op,
        T,
        new SourceFile("s3://b/dbo/T/LOAD00000001.csv", generation, 1, null),
        null,
        null,
        List.of(columns));
  }

  @Test
  void aResetKeepsOnlyTheRowsOfTheNewGenerationWhateverTheOrder() {
    handler.handle(change(Operation.LOAD, 1, "old", 1));
    handler.handle(change(Operation.LOAD, 2, "old", 1));
    handler.handle(change(Operation.LOAD, 3, "new", 2)); // from a shard that reset first
    handler.onTruncate(
        TruncateInput.builder()
            .table(T)
            .generation(2)
            .previousGeneration(1)
            .control(control(ControlOperation.TRUNCATE_TABLE, 2))
            .build());
    handler.handle(change(Operation.LOAD, 1, "new", 2));

    assertThat(replica.rows(T))
        .containsOnlyKeys(List.of(1L), List.of(3L))
        .containsEntry(List.of(1L), List.of(1L, "new"));
  }

  @Test
  void columnChangesReachEveryRowAndUpdatesKeepColumnsTheyDoNotCarry() {
    handler.handle(change(Operation.INSERT, 1, "a", 0));
    handler.onSchemaChange(
        SchemaChangeInput.builder()
            .control(control(ControlOperation.ADD_COLUMN, 0, "email"))
            .build());
    assertThat(replica.rows(T).get(List.of(1L))).isEqualTo(Arrays.asList(1L, "a", null));

    handler.onSchemaChange(
        SchemaChangeInput.builder()
            .control(control(ControlOperation.DROP_COLUMN, 0, "name"))
            .build());
    handler.handle(change(Operation.DELETE, 9, "gone", 0));

    assertThat(replica.rows(T)).containsOnlyKeys(List.of(1L));
    assertThat(replica.rows(T).get(List.of(1L))).isEqualTo(Arrays.asList(1L, null));
  }
}
