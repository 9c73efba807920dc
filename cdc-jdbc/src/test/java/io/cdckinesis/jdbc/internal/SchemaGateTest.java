package io.cdckinesis.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.jdbc.JdbcApplyException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaGateTest {

  /** Threads of their own: the common pool may have a single thread on a small machine. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private static final Duration SHORT = Duration.ofMillis(50);
  private static final Duration LONG = Duration.ofSeconds(10);

  private final String url = "jdbc:h2:mem:" + UUID.randomUUID();

  @Test
  void oneDatabaseHasOneGateWhateverItsSettings() {
    assertThat(SchemaGate.of(url + ";LOCK_TIMEOUT=20000")).isSameAs(SchemaGate.of(url));
    assertThat(SchemaGate.of(url + "-other")).isNotSameAs(SchemaGate.of(url));
  }

  @Test
  void aSchemaChangeWaitsForOpenTransactionsAndFailsRetryablyWhenTheyDoNotEnd() {
    SchemaGate gate = SchemaGate.of(url);
    gate.enter(SHORT);
    gate.enter(SHORT);

    assertThatThrownBy(() -> gate.close(SHORT))
        .isInstanceOfSatisfying(
            JdbcApplyException.class, e -> assertThat(e.isRetryable()).isTrue());

    gate.leave();
    gate.leave();
    gate.close(SHORT);
    gate.reopen();
  }

  @Test
  void transactionsWaitWhileASchemaChangeRunsAndEnterAfterIt() throws Exception {
    SchemaGate gate = SchemaGate.of(url);
    gate.close(SHORT);

    CompletableFuture<Void> transaction =
        CompletableFuture.runAsync(() -> gate.enter(LONG), threads);
    Thread.sleep(200);
    assertThat(transaction).isNotDone();

    gate.reopen();
    transaction.get(5, TimeUnit.SECONDS);
    gate.leave();
  }

  @Test
  void aWaitingSchemaChangeHoldsBackNewTransactionsSoItIsNotStarved() throws Exception {
    SchemaGate gate = SchemaGate.of(url);
    gate.enter(SHORT);
    CompletableFuture<Void> change =
        CompletableFuture.runAsync(
            () -> {
              gate.close(LONG);
              gate.reopen();
            },
            threads);
    Thread.sleep(200);

    // a transaction ending on another thread than the one it began on still lets the change in
    assertThatThrownBy(() -> gate.enter(SHORT)).isInstanceOf(JdbcApplyException.class);
    CompletableFuture.runAsync(gate::leave, threads).get(5, TimeUnit.SECONDS);
    change.get(5, TimeUnit.SECONDS);
    gate.enter(SHORT);
    gate.leave();
  }

  @Test
  void noGateNeverWaits() {
    SchemaGate.NONE.enter(SHORT);
    SchemaGate.NONE.close(SHORT);
    SchemaGate.NONE.enter(SHORT);
    SchemaGate.NONE.reopen();
    SchemaGate.NONE.leave();
  }
}
