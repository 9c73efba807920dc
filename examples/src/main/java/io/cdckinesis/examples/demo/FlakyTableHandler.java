package io.cdckinesis.examples.demo;

import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.KeepsPositions;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.local.faults.FaultInjector;

/**
 * A table handler that fails transiently now and then (a database timeout, say) before handing the
 * record to the real handler: the consumer must retry it without losing or reordering it. Keeps
 * positions as its handler does.
 */
final class FlakyTableHandler extends TableHandler implements KeepsPositions {

  static final class TransientHandlerError extends RuntimeException {
    TransientHandlerError() {
      super("simulated transient handler failure");
    }
  }

  private final TableHandler delegate;
  private final KeepsPositions positions;
  private final FaultInjector faults;

  <H extends TableHandler & KeepsPositions> FlakyTableHandler(H delegate, FaultInjector faults) {
    this.delegate = delegate;
    this.positions = delegate;
    this.faults = faults;
  }

  @Override
  public long generation(TableId table) {
    return positions.generation(table);
  }

  @Override
  public void handle(ChangeInput input) {
    if (faults.nextHandlerError()) {
      throw new TransientHandlerError();
    }
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
  public void onBatchStart(BatchInput input) {
    delegate.onBatchStart(input);
  }

  @Override
  public void onBatchEnd(BatchInput input) {
    delegate.onBatchEnd(input);
  }
}
