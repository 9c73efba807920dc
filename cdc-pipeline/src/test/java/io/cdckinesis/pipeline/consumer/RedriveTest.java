package io.cdckinesis.pipeline.consumer;

import static io.cdckinesis.pipeline.consumer.Changes.change;
import static io.cdckinesis.pipeline.consumer.Changes.control;
import static io.cdckinesis.pipeline.consumer.Changes.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.TableHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A dead-lettered change is not "applied": a redrive applies it if its row has nothing newer. */
class RedriveTest {

  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final InMemoryAppliedPositionStore store = new InMemoryAppliedPositionStore();

  /** Refuses rows named in {@code refuse} for good, and {@code flaky} ones for now. */
  private static final class Target extends TestReplica {
    final List<String> refuse = new ArrayList<>();
    final List<String> flaky = new ArrayList<>();

    @Override
    public synchronized void handle(ChangeInput in) {
      Object id = in.record().value("id");
      if (refuse.contains(id)) {
        throw new CdcException("constraint violated");
      }
      if (flaky.contains(id)) {
        throw new IllegalStateException("timeout");
      }
      super.handle(in);
    }
  }

  private final Target target = new Target();

  private final ChangeConsumer consumer =
      ChangeConsumer.builder()
          .handlers(TableHandlers.builder().defaultHandler(target).build())
          .appliedPositions(store)
          .deadLetters(deadLetters::add)
          .retryBackoff(Duration.ofMillis(1))
          .build();

  @Test
  void appliesADeadLetterOnceTheTargetAcceptsIt() {
    target.refuse.add("a");
    consumer.process(List.of(record("s0", 1, change("T", "a", Operation.INSERT, 1))));
    DeadLetter letter = deadLetters.get(0);
    assertThat(store.lastApplied("dbo.T|a")).isEmpty();

    target.refuse.clear();
    RedriveOutcome first = consumer.redrive(letter);
    RedriveOutcome second = consumer.redrive(letter);

    assertThat(first).isEqualTo(RedriveOutcome.APPLIED);
    assertThat(second).isEqualTo(RedriveOutcome.SUPERSEDED);
    assertThat(target.rows).containsOnlyKeys("dbo.T|a");
    assertThat(target.appliedTwice()).isEmpty();
    assertThat(store.lastApplied("dbo.T|a")).contains(letter.position());
    assertThat(deadLetters).hasSize(1);
  }

  @Test
  void skipsADeadLetterWhoseRowHasANewerChangeOrWhoseTableWasReset() {
    target.refuse.add("a");
    target.refuse.add("b");
    consumer.process(
        List.of(
            record("s0", 1, change("T", "a", Operation.UPDATE, 1)),
            record("s0", 2, change("T", "b", Operation.UPDATE, 2))));
    target.refuse.clear();
    consumer.process(
        List.of(
            record("s0", 3, change("T", "a", Operation.UPDATE, 3)),
            record("s0", 4, control(ControlOperation.TRUNCATE_TABLE, "T", 1)),
            record("s0", 5, change("T", "a", Operation.LOAD, 1, 1))));

    assertThat(consumer.redrive(deadLetters.get(0))).isEqualTo(RedriveOutcome.STALE);
    assertThat(consumer.redrive(deadLetters.get(1))).isEqualTo(RedriveOutcome.STALE);
    assertThat(target.rows).containsOnlyKeys("dbo.T|a");
  }

  @Test
  void aDeadLetterOfARowThatMovedOnIsSuperseded() {
    target.refuse.add("a");
    consumer.process(List.of(record("s0", 1, change("T", "a", Operation.INSERT, 1))));
    target.refuse.clear();
    consumer.process(List.of(record("s0", 2, change("T", "a", Operation.UPDATE, 2))));

    assertThat(consumer.redrive(deadLetters.get(0))).isEqualTo(RedriveOutcome.SUPERSEDED);
    assertThat(target.rows.get("dbo.T|a").values()).containsExactly("a", "x2");
  }

  @Test
  void saysWhenTheTargetStillRefusesOrIsDown() {
    target.refuse.add("a");
    consumer.process(List.of(record("s0", 1, change("T", "a", Operation.INSERT, 1))));
    DeadLetter letter = deadLetters.get(0);

    RedriveOutcome refused = consumer.redrive(letter);
    target.refuse.clear();
    target.flaky.add("a");
    RedriveOutcome down = consumer.redrive(letter);

    assertThat(refused).isEqualTo(RedriveOutcome.REFUSED);
    assertThat(down).isEqualTo(RedriveOutcome.NOT_DONE);
    assertThat(deadLetters).hasSize(1); // a redrive never dead-letters again
    assertThat(target.rows).isEmpty();
  }
}
