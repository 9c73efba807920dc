package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.SinkMetrics;

/**
 * What {@code cdc load} shows while it runs: a progress bar on a terminal, a line per file
 * otherwise. Driven from the reading thread.
 */
interface LoadProgress extends DmsFileConverter.Listener, AutoCloseable {

  /** New figures: called every few records and after every PutRecords call. */
  void update(DmsFileConverter.Result read, SinkMetrics sent);

  /** Prints a line (a bad-row report) without garbling the display. */
  void printAbove(String line);

  /** Ends the display, leaving the terminal ready for the summary. */
  @Override
  void close();
}
