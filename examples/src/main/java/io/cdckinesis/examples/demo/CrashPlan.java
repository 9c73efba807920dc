package io.cdckinesis.examples.demo;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.local.faults.FaultInjector;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Producer crashes at chosen rows: for each object, {@code perFile} distinct rows at which the
 * producer dies (as if the Lambda container was killed), each once. Wraps the producer's sink, so
 * the crash happens mid-object with records buffered and unsent, like a real crash.
 */
final class CrashPlan {

  /** The crash itself: an error no part of the pipeline catches as a known failure. */
  static final class SimulatedCrash extends Error {
    SimulatedCrash(String object, long row) {
      super("simulated producer crash in " + object + " at row " + row);
    }
  }

  private final FaultInjector faults;
  private final Map<String, Queue<Long>> planned = new ConcurrentHashMap<>();

  CrashPlan(FaultInjector faults) {
    this.faults = faults;
  }

  /** Plans the crashes of an object with {@code rows} rows. */
  void plan(String objectUri, long rows) {
    if (faults.plan().crash() <= 0) {
      return;
    }
    Queue<Long> at = new ArrayDeque<>();
    for (long row : faults.crashPoints(rows + 1)) {
      at.add(row);
    }
    planned.put(objectUri, at);
  }

  ChangeSink wrap(ChangeSink sink) {
    return faults.plan().crash() <= 0 ? sink : new CrashingSink(sink);
  }

  private final class CrashingSink implements ChangeSink {
    private final ChangeSink delegate;

    CrashingSink(ChangeSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(ChangeRecord record) {
      Queue<Long> rows = planned.get(record.position().objectUri());
      if (rows != null) {
        synchronized (rows) {
          Long next = rows.peek();
          if (next != null && record.position().row() >= next) {
            rows.poll();
            faults.recordProducerCrash();
            throw new SimulatedCrash(record.position().objectUri(), record.position().row());
          }
        }
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
}
