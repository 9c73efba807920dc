package io.cdckinesis.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableHandlersTest {

  /** Records which method saw which operation. */
  public static class Recording extends TableHandler {
    final List<String> calls = new ArrayList<>();

    @Override
    protected void onInsert(ChangeInput in) {
      calls.add("insert:" + in.record().operation());
    }

    @Override
    protected void onUpdate(ChangeInput in) {
      calls.add("update");
    }

    @Override
    protected void onDelete(ChangeInput in) {
      calls.add("delete");
    }
  }

  private static ChangeInput input(Operation op) {
    return ChangeInput.builder()
        .record(
            ChangeRecord.builder()
                .operation(op)
                .table("dbo", "T")
                .value("id", "1")
                .position("s3://b/dbo/T/LOAD00000001.csv", 1, 1)
                .build())
        .rowKey("dbo.T|1")
        .build();
  }

  @Test
  void routesEachOperationToItsMethodAndLoadsToInsert() {
    Recording h = new Recording();

    for (Operation op : Operation.values()) {
      h.handle(input(op));
    }

    assertThat(h.calls).containsExactly("insert:LOAD", "insert:INSERT", "update", "delete");
  }

  @Test
  void inputsCarryTheirContextAndDefaults() {
    ChangeInput in =
        ChangeInput.builder()
            .record(input(Operation.UPDATE).record())
            .rowKey("dbo.T|1")
            .shardId("shardId-000000000001")
            .sequenceNumber("4954")
            .subSequenceNumber(3)
            .attempt(2)
            .remainingTime(() -> java.time.Duration.ofSeconds(-5))
            .build();

    assertThat(in.table()).isEqualTo(TableId.of("dbo", "T"));
    assertThat(in.keyValues()).isEmpty();
    assertThat(in.generation()).isZero();
    assertThat(in.shardId()).isEqualTo("shardId-000000000001");
    assertThat(in.subSequenceNumber()).isEqualTo(3);
    assertThat(in.attempt()).isEqualTo(2);
    assertThat(in.remainingTime()).isZero();
    assertThat(input(Operation.LOAD).remainingTime()).isEqualTo(ChangeInput.NO_LIMIT);
    assertThatThrownBy(() -> ChangeInput.builder().rowKey("k").build())
        .isInstanceOf(NullPointerException.class);
    assertThat(TruncateInput.builder().table(TableId.of("dbo", "T")).generation(2).build().reason())
        .isEqualTo("reload");
  }

  @Test
  void findsRegisteredHandlersExactlyThenIgnoringCaseElseTheDefault() {
    Recording customers = new Recording();
    Recording fallback = new Recording();
    TableHandlers handlers =
        TableHandlers.builder()
            .register("dbo.Customer", customers)
            .defaultHandler(fallback)
            .build();

    assertThat(handlers.forTable(TableId.of("dbo", "Customer"))).isSameAs(customers);
    assertThat(handlers.forTable(TableId.of("DBO", "customer"))).isSameAs(customers);
    assertThat(handlers.forTable(TableId.of("dbo", "Order"))).isSameAs(fallback);
    assertThat(handlers.isRegistered(TableId.of("dbo", "Order"))).isFalse();
  }

  @Test
  void registersHandlersNamedInConfiguration() {
    TableHandlers handlers =
        TableHandlers.builder()
            .registerFromSpec(
                " dbo.A = " + Recording.class.getName() + " ,HR.B=" + Recording.class.getName())
            .build();

    assertThat(handlers.forTable(TableId.of("dbo", "A"))).isInstanceOf(Recording.class);
    assertThat(handlers.forTable(TableId.of("HR", "B"))).isInstanceOf(Recording.class);
    assertThat(handlers.forTable(TableId.of("x", "y"))).isInstanceOf(LoggingTableHandler.class);
  }

  @Test
  void explainsBadHandlerConfiguration() {
    assertThatThrownBy(() -> TableHandlers.builder().registerFromSpec("dbo.A"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("schema.table=fully.qualified.ClassName");
    assertThatThrownBy(() -> TableHandlers.builder().registerFromSpec("dbo.A=com.example.Missing"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("com.example.Missing not found");
    assertThatThrownBy(() -> TableHandlers.instantiate(String.class.getName()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not extend");
  }
}
