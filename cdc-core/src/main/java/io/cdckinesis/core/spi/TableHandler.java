package io.cdckinesis.core.spi;

/**
 * What to do with the changes of one table. Subclass it and override the operations you care about
 * ({@link #onLoad}, {@link #onInsert}, {@link #onUpdate}, {@link #onDelete}), or {@link #handle} to
 * see every change; register instances with {@link TableHandlers}. Every call gets one input object
 * (the change and its context: row key, position, shard, sequence number, attempt, time left) that
 * can grow without breaking subclasses.
 *
 * <p>The consumer calls a handler in order per row key, skips changes already applied or superseded
 * (by the row's position, or because the table was reset to a newer load generation), and records
 * each change as applied right after {@link #handle} returns. So the change's effect must be
 * durable when {@code handle} returns. If the process dies inside a call (after the effect, before
 * the consumer has recorded it), Lambda redelivers the change and it is handed over again: make the
 * effect idempotent (an upsert or delete by key is), or keep the position in the same transaction
 * as the effect and implement {@link KeepsPositions}.
 *
 * <p>Failures: throw to make the consumer retry. Any exception is retried (a few times in the
 * invocation, then by Lambda for as long as the event source mapping allows, the shard waiting at
 * this change) unless it is a {@link io.cdckinesis.core.CdcException} whose {@code isRetryable()}
 * is false: then the change goes to the dead letters at once and the shard moves on.
 *
 * <p>Calls come from one thread per shard batch; an instance registered for several tables, or
 * shared by shards consumed in parallel, must be thread-safe.
 */
public abstract class TableHandler {

  /** Routes a change to the method for its operation. Override to see every change. */
  public void handle(ChangeInput input) {
    switch (input.record().operation()) {
      case LOAD -> onLoad(input);
      case INSERT -> onInsert(input);
      case UPDATE -> onUpdate(input);
      case DELETE -> onDelete(input);
    }
  }

  /** A full-load row. By default handled like an insert. */
  protected void onLoad(ChangeInput input) {
    onInsert(input);
  }

  /** A row inserted at the source. */
  protected void onInsert(ChangeInput input) {}

  /** A row updated at the source; the record holds the row after the update. */
  protected void onUpdate(ChangeInput input) {}

  /** A row deleted at the source; the record holds the row as it was before. */
  protected void onDelete(ChangeInput input) {}

  /**
   * The table restarts empty at load generation {@link TruncateInput#generation()}: truncated,
   * dropped, or reloaded at the source. Remove the rows of older generations (not all rows: rows of
   * this generation may already have been applied from another shard). Called again for the same
   * generation when another shard's copy of the reset arrives ({@link TruncateInput#repeated()}):
   * remove rows of older generations again, since that shard may have applied some late. Must be
   * idempotent. The default does nothing.
   */
  public void onTruncate(TruncateInput input) {}

  /**
   * Columns were added or dropped at the source ({@link SchemaChangeInput#operation()}). Later
   * changes carry the new set of columns. Must be idempotent (the change may be delivered again).
   * The default does nothing.
   */
  public void onSchemaChange(SchemaChangeInput input) {}

  /**
   * A batch of one shard starts; called before the first call of the batch to this handler. A place
   * to open a transaction.
   */
  public void onBatchStart(BatchInput input) {}

  /**
   * The batch of one shard ends; called after the last call of the batch to this handler, also when
   * the shard stopped at a failure ({@link BatchInput#failed()}). A commit point: everything the
   * handler returned from normally in the batch must be durable when this returns. If it throws,
   * the consumer reports the batch from the first change it gave this handler as not done, and
   * Lambda delivers it again.
   */
  public void onBatchEnd(BatchInput input) {}
}
