package io.cdckinesis.jdbc;

import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * One Lambda container of the consumer function: a fresh {@link JdbcTableHandler} (its own appliers
 * and connections, nothing in memory) and a fresh {@link ChangeConsumer}, with the non-idempotent
 * {@link AppliedLog} written in each change's transaction.
 */
final class ConsumerContainer implements AutoCloseable {

  /** The container's process dies here (an {@link Error}: nothing in the consumer catches it). */
  static final class Killed extends Error {
    Killed(String where) {
      super("container killed " + where, null, false, false);
    }
  }

  /** Where the (single) kill of a run happens, counted over the whole run. */
  record Kill(boolean afterCommit, int n) {
    static final Kill NEVER = new Kill(false, -1);

    @Override
    public String toString() {
      return afterCommit ? "after batch commit " + n : "inside a transaction, at change " + n;
    }
  }

  /** Counts applications and commits over a whole run, and fires the kill once. */
  static class KillSwitch {
    private final Kill kill;
    private int applications;
    private int commits;
    private boolean fired;

    KillSwitch(Kill kill) {
      this.kill = kill;
    }

    /** Called in each applied change's transaction, after the log row was written. */
    synchronized void applied() {
      applications++;
      if (!fired && !kill.afterCommit() && applications == kill.n()) {
        fired = true;
        throw new Killed("after applying change " + applications + ", before the commit");
      }
    }

    synchronized void committed() {
      commits++;
      if (!fired && kill.afterCommit() && commits == kill.n()) {
        fired = true;
        throw new Killed("after commit " + commits + ", before the batch result reached Lambda");
      }
    }

    synchronized boolean fired() {
      return fired;
    }

    synchronized int applications() {
      return applications;
    }

    synchronized int commits() {
      return commits;
    }
  }

  final CuttableDataSource connections;
  final JdbcTableHandler handler;
  final ChangeConsumer consumer;

  ConsumerContainer(
      DataSource db, KillSwitch kills, List<DeadLetter> deadLetters, VirtualTime time) {
    this.connections = new CuttableDataSource(db);
    AppliedChangeListener log = AppliedLog.listener();
    this.handler =
        new JdbcTableHandler(
            JdbcChangeApplier.builder()
                .dataSource(connections)
                .tables(SourceStream.DEFINITIONS)
                .onApplied(
                    (connection, change) -> {
                      log.onApplied(connection, change);
                      kills.applied();
                    })) {
          @Override
          public void onBatchEnd(BatchInput input) {
            super.onBatchEnd(input);
            kills.committed();
          }
        };
    this.consumer =
        ChangeConsumer.builder()
            .handlers(TableHandlers.builder().defaultHandler(handler).build())
            .deadLetters(deadLetters::add)
            .sleeper(time)
            .clock(time)
            .build();
  }

  /** The process is gone: its connections close, and the server rolls their work back. */
  void die() throws SQLException {
    connections.cut();
  }

  @Override
  public void close() {
    handler.close();
  }
}
