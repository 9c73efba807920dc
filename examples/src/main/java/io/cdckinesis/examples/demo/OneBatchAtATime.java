package io.cdckinesis.examples.demo;

import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.KeepsPositions;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets one shard batch at a time into its handler (from {@link #onBatchStart} to {@link
 * #onBatchEnd}), for the embedded H2 replica: H2 in one JVM gains nothing from parallel
 * transactions, and with them an ADD COLUMN during CDC loses changes (reported; PostgreSQL is
 * unaffected and gets every shard in parallel). A batch whose end was never called (the invocation
 * failed) is ended by the same thread's next start, as {@code JdbcTableHandler} does.
 */
final class OneBatchAtATime extends TableHandler implements KeepsPositions {

  private final TableHandler delegate;
  private final KeepsPositions positions;
  private final ReentrantLock lock = new ReentrantLock();

  <H extends TableHandler & KeepsPositions> OneBatchAtATime(H delegate) {
    this.delegate = delegate;
    this.positions = delegate;
  }

  @Override
  public void onBatchStart(BatchInput input) {
    if (!lock.isHeldByCurrentThread()) {
      lock.lock();
    }
    delegate.onBatchStart(input);
  }

  @Override
  public void onBatchEnd(BatchInput input) {
    try {
      delegate.onBatchEnd(input);
    } finally {
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }
  }

  @Override
  public void handle(ChangeInput input) {
    delegate.handle(input);
  }

  @Override
  public void onTruncate(TruncateInput input) {
    delegate.onTruncate(input);
  }

  @Override
  public void onSchemaChange(SchemaChangeInput input) {
    delegate.onSchemaChange(input);
  }

  @Override
  public long generation(TableId table) {
    return positions.generation(table);
  }
}
