package io.cdckinesis.examples.demo;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.ChangeSink;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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

  private final int perFile;
  private final Random random;
  private final Map<String, Queue<Long>> planned = new ConcurrentHashMap<>();
  private final AtomicLong crashes = new AtomicLong();

  CrashPlan(int perFile, long seed) {
    this.perFile = perFile;
    this.random = new Random(seed);
  }

  /** Plans the crashes of an object with {@code rows} rows. */
  synchronized void plan(String objectUri, long rows) {
    if (perFile <= 0 || rows < 1) {
      return;
    }
    TreeSet<Long> at = new TreeSet<>();
    while (at.size() < Math.min(perFile, rows)) {
      at.add(1 + (long) random.nextInt((int) Math.min(Integer.MAX_VALUE, rows)));
    }
    planned.put(objectUri, new ArrayDeque<>(at));
  }

  ChangeSink wrap(ChangeSink sink) {
    return perFile <= 0 ? sink : new CrashingSink(sink);
  }

  long crashes() {
    return crashes.get();
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
            crashes.incrementAndGet();
            throw new SimulatedCrash(record.position().objectUri(), record.position().row());
          }
        }
      }
      delegate.write(record);
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
