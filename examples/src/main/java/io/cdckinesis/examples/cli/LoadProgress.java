package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.SinkMetrics;

/**
 * What {@code cdc load} shows while it runs: a progress bar on a terminal, a line per file
 * otherwise. Driven from the sending thread.
 */
interface LoadProgress extends AutoCloseable {

  /**
   * A file was sent.
   *
   * @param uri the file
   * @param rows change records read from it and sent
   * @param complete whether it was read to its end (false: damaged, the rest is reported)
   */
  void fileFinished(String uri, long rows, boolean complete);

  /** New figures: called every few records and after every PutRecords call. */
  void update(DmsFileConverter.Result read, SinkMetrics sent);

  /** Prints a line (a bad-row report) without garbling the display. */
  void printAbove(String line);

  /** Ends the display, leaving the terminal ready for the summary. */
  @Override
  void close();
}
