package io.cdckinesis.jdbc;

/** What applying one change or control record did. */
public enum ApplyOutcome {
  /** It took effect (and its position was stored with it). */
  APPLIED,
  /**
   * The row already holds this change or a newer one (a redelivery, or an older change arriving
   * late), or the table already started this load generation or a later one; nothing changed.
   */
  STALE,
  /**
   * The change belongs to a load generation older than the table's current one (the table was
   * truncated or reloaded after it); nothing changed.
   */
  SUPERSEDED,
  /** A control record with nothing to do here (see docs/jdbc.md, e.g. a dropped column). */
  IGNORED;

  /** Whether the target changed. */
  public boolean applied() {
    return this == APPLIED;
  }
}
