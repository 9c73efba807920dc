package io.cdckinesis.examples.demo;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.lambda.TableHandler;
import io.cdckinesis.local.faults.FaultInjector;

/**
 * A table handler that fails transiently now and then (a database timeout, say) before handing the
 * record to the real handler: the consumer must retry it without losing or reordering it.
 */
final class FlakyTableHandler extends TableHandler {

  static final class TransientHandlerError extends RuntimeException {
    TransientHandlerError() {
      super("simulated transient handler failure");
    }
  }

  private final TableHandler delegate;
  private final FaultInjector faults;

  FlakyTableHandler(TableHandler delegate, FaultInjector faults) {
    this.delegate = delegate;
    this.faults = faults;
  }

  @Override
  public void handle(ChangeRecord record) {
    if (faults.nextHandlerError()) {
      throw new TransientHandlerError();
    }
    delegate.handle(record);
  }
}
