package io.cdckinesis.lambda;

import io.cdckinesis.core.ChangeRecord;

/**
 * What to do with the changes of one table. Subclass it and override the operations you care about,
 * or {@link #handle} to see every record. Register instances with {@link TableHandlers}.
 *
 * <p>Records arrive in order per key; each change is applied once in effect (the consumer skips
 * records it has already applied). Throw to make the consumer retry the record; throw a {@link
 * io.cdckinesis.core.CdcException} whose {@code isRetryable()} is false when retrying cannot help
 * (the record then goes to the dead-letter hook at once, and the shard moves on).
 *
 * <p>Handlers are called from one thread per shard batch; an instance shared by several tables sees
 * them one at a time.
 */
public abstract class TableHandler {

  /** Routes a record to the method for its operation. */
  public void handle(ChangeRecord record) {
    switch (record.operation()) {
      case LOAD -> onLoad(record);
      case INSERT -> onInsert(record);
      case UPDATE -> onUpdate(record);
      case DELETE -> onDelete(record);
    }
  }

  /** A full-load row. By default handled like an insert. */
  protected void onLoad(ChangeRecord record) {
    onInsert(record);
  }

  /** A row inserted at the source. */
  protected void onInsert(ChangeRecord record) {}

  /** A row updated at the source; the record holds the row after the update. */
  protected void onUpdate(ChangeRecord record) {}

  /** A row deleted at the source; the record holds the row as it was before. */
  protected void onDelete(ChangeRecord record) {}
}
