package io.cdckinesis.simulation;

/** What operators and DMS do to the world besides replicating changes. */
public enum Action {
  /**
   * The task restarted with a full load of a table after it missed some changes (stopped, or
   * reloaded from the console), with {@code TargetTablePrepMode=DROP_AND_CREATE}: DMS deletes the
   * table's objects, then writes its full load again from the current source rows, which are the
   * only record of the missed changes.
   */
  RELOAD_DROP_AND_CREATE,
  /**
   * The same with {@code TargetTablePrepMode=DO_NOTHING}: DMS writes the full load again over the
   * existing {@code LOAD00000001.csv}; older change files stay.
   */
  RELOAD_IN_PLACE,
  /**
   * A reload in place a moment after the first full load: {@code LOAD00000001.csv} changes while
   * the producer may be reading it.
   */
  OVERWRITE_WHILE_READING,
  /** {@code TRUNCATE} at the source: DMS deletes the table's folder; later changes follow. */
  TRUNCATE,
  /**
   * An operator deletes what the producer keeps about a table (its table state, every revision), at
   * any moment, also while a run is sending the table.
   */
  DELETE_STATE,
  /** {@code SplitShard} of an open shard in the middle of the run. */
  RESHARD,
  /** An operator redrives the events Lambda gave up on (from the on-failure destination). */
  REDRIVE_FAILED_EVENTS
}
