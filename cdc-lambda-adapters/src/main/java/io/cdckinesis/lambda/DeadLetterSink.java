package io.cdckinesis.lambda;

/**
 * Where the consumer puts records it gives up on, so that a bad record never blocks its shard and
 * is never silently lost. The Lambda default writes them to S3 under {@code
 * CDC_DEAD_LETTER_PREFIX}; implement this to send them elsewhere (SQS, a table, an alert).
 */
@FunctionalInterface
public interface DeadLetterSink {

  /**
   * Stores a dead letter durably before returning.
   *
   * @throws RuntimeException when it cannot; the consumer then reports the record as failed so that
   *     Lambda retries it rather than losing it
   */
  void accept(DeadLetter letter);
}
