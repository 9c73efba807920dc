package io.cdckinesis.lambda;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.ChangeSink;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps a sink and dies at the n-th write across all instances, once: a producer crash. */
final class CrashingSink implements ChangeSink {

  /** An Error, as a killed process leaves no chance to clean up: nothing catches it on the way. */
  static final class SimulatedCrash extends Error {
    SimulatedCrash(long row) {
      super("simulated crash at write " + row);
    }
  }

  private final ChangeSink delegate;
  private final AtomicLong writes;
  private final long crashAt;

  CrashingSink(ChangeSink delegate, AtomicLong writes, long crashAt) {
    this.delegate = delegate;
    this.writes = writes;
    this.crashAt = crashAt;
  }

  @Override
  public void write(ChangeRecord record) {
    if (writes.incrementAndGet() == crashAt) {
      throw new SimulatedCrash(crashAt);
    }
    delegate.write(record);
  }

  @Override
  public void writeControl(io.cdckinesis.core.ControlRecord record) {
    delegate.writeControl(record);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
