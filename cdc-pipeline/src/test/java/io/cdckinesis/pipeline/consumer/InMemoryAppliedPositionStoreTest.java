package io.cdckinesis.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.kinesis.PartitionKeys;
import org.junit.jupiter.api.Test;

class InMemoryAppliedPositionStoreTest {

  private static final String LOAD = "s3://b/dbo/T/LOAD00000001.csv";
  private static final String CDC1 = "s3://b/dbo/T/20240101-000000000.csv";
  private static final String CDC2 = "s3://b/dbo/T/20240102-000000000.csv";

  @Test
  void aChangeIsAppliedWhenItsPositionIsNotAfterTheLastOne() {
    InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore();
    store.markApplied("k", new SourcePosition(CDC1, 5, 6));

    assertThat(store.isApplied("k", new SourcePosition(CDC1, 5, 6))).isTrue();
    assertThat(store.isApplied("k", new SourcePosition(CDC1, 4, 5))).isTrue();
    assertThat(store.isApplied("k", new SourcePosition(LOAD, 900, 901))).isTrue();
    assertThat(store.isApplied("k", new SourcePosition(CDC1, 6, 7))).isFalse();
    assertThat(store.isApplied("k", new SourcePosition(CDC2, 1, 2))).isFalse();
    assertThat(store.isApplied("other", new SourcePosition(LOAD, 1, 1))).isFalse();
  }

  @Test
  void markingAnOlderPositionNeverMovesTheKeyBack() {
    InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore();

    assertThat(store.markApplied("k", new SourcePosition(CDC2, 3, 3))).isTrue();
    assertThat(store.markApplied("k", new SourcePosition(CDC1, 9, 9))).isFalse();
    assertThat(store.markApplied("k", new SourcePosition(CDC2, 3, 3))).isFalse();

    assertThat(store.lastApplied("k")).contains(new SourcePosition(CDC2, 3, 3));
    assertThat(store.lastApplied(java.util.List.of("k", "other"))).containsOnlyKeys("k");
  }

  @Test
  void tableGenerationsOnlyRise() {
    InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore();
    io.cdckinesis.core.TableId t = io.cdckinesis.core.TableId.of("dbo", "T");

    assertThat(store.generation(t)).isZero();
    assertThat(store.raiseGeneration(t, 3)).isEqualTo(3);
    assertThat(store.raiseGeneration(t, 2)).isEqualTo(3);
    assertThat(store.generation(t)).isEqualTo(3);
  }

  @Test
  void forgetsTheLeastRecentlyUsedKeysBeyondItsCapacity() {
    InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore(2);
    store.markApplied("a", new SourcePosition(CDC1, 1, 1));
    store.markApplied("b", new SourcePosition(CDC1, 2, 2));
    store.lastApplied("a");
    store.markApplied("c", new SourcePosition(CDC1, 3, 3));

    assertThat(store.size()).isEqualTo(2);
    assertThat(store.lastApplied("b")).isEmpty();
    assertThat(store.lastApplied("a")).isPresent();
  }

  @Test
  void rowKeysSeparateTablesAndKeyValuesUnambiguously() {
    ChangeRecord.Builder base =
        ChangeRecord.builder()
            .operation(Operation.UPDATE)
            .position(CDC1, 1, 1)
            .primaryKey("a", "b");
    String k1 = PartitionKeys.of(base.table("dbo", "T").value("a", "x|y").value("b", "z").build());
    String k2 =
        PartitionKeys.of(
            ChangeRecord.builder()
                .operation(Operation.UPDATE)
                .position(CDC1, 1, 1)
                .primaryKey("a", "b")
                .table("dbo", "T")
                .value("a", "x")
                .value("b", "y|z")
                .build());
    String k3 =
        PartitionKeys.of(
            ChangeRecord.builder()
                .operation(Operation.UPDATE)
                .position(CDC1, 1, 1)
                .primaryKey("a", "b")
                .table("dbo.T", "x")
                .value("a", null)
                .value("b", "z")
                .build());

    assertThat(k1).isNotEqualTo(k2).isNotEqualTo(k3);
    assertThat(k2).isNotEqualTo(k3);
  }
}
