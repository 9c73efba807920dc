package io.cdckinesis.core;

/** The kinds of data file the DMS S3 target writes. */
public enum DmsFileKind {
  /** {@code LOAD00000001.csv}: full-load rows of one table, numbered by a hexadecimal counter. */
  FULL_LOAD,
  /** {@code 20190118-184518184.csv}: one batch of ongoing changes of one table, named by time. */
  CDC,
  /**
   * {@code CDC_TXN-20190118184518184.csv}: with {@code PreserveTransactions=true}, the changes of
   * all tables in commit order, under {@code CdcPath}.
   */
  CDC_TXN;

  /** Whether rows of this kind are changes (carry an Op column unless the settings drop it). */
  public boolean isChange() {
    return this != FULL_LOAD;
  }
}
