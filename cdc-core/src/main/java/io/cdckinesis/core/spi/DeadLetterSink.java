package io.cdckinesis.core.spi;

/**
 * Where the consumer puts records it gives up on (a record that cannot be decoded, a change its
 * handler refuses for good), so that a bad record never blocks its shard and is never silently
 * lost. A dead-lettered change is not recorded as applied: a later redrive can still apply it if
 * nothing newer has been applied to its row. The S3 one ({@code S3DeadLetterSink} in {@code
 * cdc-s3-source}) is the Lambda default; implement this to send them elsewhere (SQS, a table).
 */
@FunctionalInterface
public interface DeadLetterSink {

  /**
   * Stores a dead letter durably before returning. Storing the same letter again must not add a
   * second copy (a redelivered batch can dead-letter a record again).
   *
   * @throws RuntimeException when it cannot; the consumer then reports the record as not done so
   *     that Lambda retries it rather than losing it
   */
  void accept(DeadLetter letter);
}
