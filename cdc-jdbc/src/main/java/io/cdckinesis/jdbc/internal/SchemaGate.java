package io.cdckinesis.jdbc.internal;

import io.cdckinesis.jdbc.JdbcApplyException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps schema changes and open transactions of one database apart, within this JVM. H2 adds a
 * column by copying the table; rows another session writes to the old copy meanwhile are lost,
 * though their commit succeeds (measured: 40 of 900 rows with three writers and twenty ADD
 * COLUMNs). So on H2 each transaction holds the gate shared from its first statement to its end,
 * and a schema change holds it alone. PostgreSQL needs no gate: its ALTER TABLE waits for the locks
 * of open transactions.
 *
 * <p>A fair semaphore rather than a read-write lock: a transaction may end on another thread than
 * the one it began on, and a waiting schema change must not be starved by new transactions.
 */
public final class SchemaGate {

  /** No gate: transactions and schema changes run as the database orders them. */
  public static final SchemaGate NONE = new SchemaGate(null);

  private static final ConcurrentMap<String, SchemaGate> BY_DATABASE = new ConcurrentHashMap<>();

  private static final int ALL = Integer.MAX_VALUE;

  private final Semaphore permits;

  private SchemaGate(Semaphore permits) {
    this.permits = permits;
  }

  /**
   * The gate of the database at this JDBC URL, shared by every applier of this JVM (settings after
   * the first {@code ;} are ignored: they do not name another database).
   */
  public static SchemaGate of(String url) {
    int settings = url.indexOf(';');
    String database = settings < 0 ? url : url.substring(0, settings);
    return BY_DATABASE.computeIfAbsent(database, d -> new SchemaGate(new Semaphore(ALL, true)));
  }

  /**
   * Lets a transaction in, waiting while a schema change runs or waits.
   *
   * @throws JdbcApplyException (retryable) when that takes longer than {@code wait}
   */
  public void enter(Duration wait) {
    acquire(1, wait, "for a schema change of another applier to finish");
  }

  /** Lets a transaction out (after its commit or rollback). */
  public void leave() {
    if (permits != null) {
      permits.release(1);
    }
  }

  /**
   * Waits until no transaction is in, then keeps them out until {@link #reopen}.
   *
   * @throws JdbcApplyException (retryable) when that takes longer than {@code wait}
   */
  public void close(Duration wait) {
    acquire(ALL, wait, "for the transactions of other appliers to end before a schema change");
  }

  /** Ends a schema change started by {@link #close}. */
  public void reopen() {
    if (permits != null) {
      permits.release(ALL);
    }
  }

  private void acquire(int n, Duration wait, String what) {
    if (permits == null) {
      return;
    }
    try {
      if (!permits.tryAcquire(n, wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new JdbcApplyException("timed out after " + wait + " waiting " + what, null, true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JdbcApplyException("interrupted while waiting " + what, null, true);
    }
  }
}
