package io.cdckinesis.core;

/** What a reader does with a row it cannot read. */
public enum BadRowPolicy {
  /** Throw a {@link BadInputException} naming the object, line and reason. */
  FAIL,
  /** Hand the row to the {@link io.cdckinesis.core.spi.RejectSink} and go on with the next. */
  SKIP
}
