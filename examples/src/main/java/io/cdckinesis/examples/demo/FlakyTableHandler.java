package io.cdckinesis.examples.demo;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.lambda.TableHandler;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

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
  private final double failureRate;
  private final Random random;
  private final AtomicLong failures = new AtomicLong();

  FlakyTableHandler(TableHandler delegate, double failureRate, long seed) {
    this.delegate = delegate;
    this.failureRate = failureRate;
    this.random = new Random(seed);
  }

  @Override
  public void handle(ChangeRecord record) {
    boolean fail;
    synchronized (random) {
      fail = random.nextDouble() < failureRate;
    }
    if (fail) {
      failures.incrementAndGet();
      throw new TransientHandlerError();
    }
    delegate.handle(record);
  }

  long failures() {
    return failures.get();
  }
}
