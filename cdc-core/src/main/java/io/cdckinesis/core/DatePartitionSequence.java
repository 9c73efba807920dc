package io.cdckinesis.core;

/** DMS {@code DatePartitionSequence}: the date folders inserted into CDC paths. */
public enum DatePartitionSequence {
  YYYYMMDD(4, 2, 2),
  YYYYMMDDHH(4, 2, 2, 2),
  YYYYMM(4, 2),
  MMYYYYDD(2, 4, 2),
  DDMMYYYY(2, 2, 4);

  private final int[] widths;

  DatePartitionSequence(int... widths) {
    this.widths = widths;
  }

  /** The digit counts of the parts, in folder order (e.g. 4, 2, 2 for YYYYMMDD). */
  public int[] widths() {
    return widths.clone();
  }
}
