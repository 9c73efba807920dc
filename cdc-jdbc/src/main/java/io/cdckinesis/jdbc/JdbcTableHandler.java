package io.cdckinesis.jdbc;

import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.KeepsPositions;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link TableHandler} that mirrors tables into a relational database through {@link
 * JdbcChangeApplier}: the exactly-once path for a database target. It {@linkplain KeepsPositions
 * keeps positions itself}, in the same transaction as the rows, so the consumer uses no position
 * store for its tables; a shard batch is one transaction, opened at {@link #onBatchStart} and
 * committed at {@link #onBatchEnd}.
 *
 * <pre>{@code
 * JdbcTableHandler replica = new JdbcTableHandler(
 *     JdbcChangeApplier.builder().dataSource(dataSource).tables(definitions));
 * TableHandlers handlers = TableHandlers.builder().defaultHandler(replica).build();
 * }</pre>
 *
 * <p>Thread-safe: each thread consuming a shard batch gets its own applier (and connection), taken
 * from a pool that keeps them open between batches. Changes handed over outside a batch are
 * committed one by one.
 */
public class JdbcTableHandler extends TableHandler implements KeepsPositions, AutoCloseable {

  private final Supplier<JdbcChangeApplier> appliers;
  private final Deque<JdbcChangeApplier> idle = new ConcurrentLinkedDeque<>();
  private final ThreadLocal<Batch> current = new ThreadLocal<>();

  private record Batch(JdbcChangeApplier applier, ApplyTransaction tx) {}

  /**
   * A handler whose appliers are built from this builder (one per thread consuming at a time; the
   * builder must not be changed afterwards).
   */
  public JdbcTableHandler(JdbcChangeApplier.Builder builder) {
    this(Objects.requireNonNull(builder, "builder")::build);
  }

  /** A handler whose appliers come from a factory (one per thread consuming at a time). */
  public JdbcTableHandler(Supplier<JdbcChangeApplier> appliers) {
    this.appliers = Objects.requireNonNull(appliers, "appliers");
  }

  /** Opens the batch's transaction (nothing touches the database before the first change). */
  @Override
  public void onBatchStart(BatchInput input) {
    Batch left = current.get();
    if (left != null) {
      release(left); // a batch whose end was never called: its work was not committed
    }
    JdbcChangeApplier applier = take();
    current.set(new Batch(applier, applier.begin()));
  }

  /** Applies a change if it is newer than what its row holds. */
  @Override
  public void handle(ChangeInput input) {
    Batch b = current.get();
    if (b != null) {
      b.tx().apply(input.record());
      return;
    }
    inOwnTransaction(tx -> tx.apply(input.record()));
  }

  /** Resets the table to the input's generation (rows of older generations go). */
  @Override
  public void onTruncate(TruncateInput input) {
    Batch b = current.get();
    if (b != null) {
      b.tx().reset(input.table(), input.generation());
      return;
    }
    inOwnTransaction(tx -> tx.reset(input.table(), input.generation()));
  }

  /** Adds columns; keeps dropped ones (see docs/jdbc.md). */
  @Override
  public void onSchemaChange(SchemaChangeInput input) {
    Batch b = current.get();
    if (b != null) {
      b.tx().apply(input.control());
      return;
    }
    inOwnTransaction(tx -> tx.apply(input.control()));
  }

  /**
   * Commits the batch: every change handed over and returned from normally becomes durable with its
   * position, also when the shard stopped at a failure. Throws when the commit fails, so that the
   * consumer reports the batch as not done and Lambda delivers it again (positions make that safe).
   */
  @Override
  public void onBatchEnd(BatchInput input) {
    Batch b = current.get();
    if (b == null) {
      return;
    }
    current.remove();
    try {
      b.tx().commit();
    } finally {
      release(b);
    }
  }

  @Override
  public long generation(TableId table) {
    Batch b = current.get();
    if (b != null) {
      return b.tx().generation(table);
    }
    JdbcChangeApplier applier = take();
    try {
      return applier.generation(table);
    } finally {
      idle.push(applier);
    }
  }

  /** Closes the pooled appliers and their connections. */
  @Override
  public void close() {
    Batch b = current.get();
    if (b != null) {
      current.remove();
      release(b);
    }
    for (JdbcChangeApplier a; (a = idle.poll()) != null; ) {
      a.close();
    }
  }

  private JdbcChangeApplier take() {
    JdbcChangeApplier a = idle.poll();
    return a != null ? a : appliers.get();
  }

  private void release(Batch b) {
    b.tx().close();
    idle.push(b.applier());
  }

  private void inOwnTransaction(Consumer<ApplyTransaction> work) {
    JdbcChangeApplier applier = take();
    try (ApplyTransaction tx = applier.begin()) {
      work.accept(tx);
      tx.commit();
    } finally {
      idle.push(applier);
    }
  }
}
