package io.cdckinesis.kinesis.internal;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.math.BigInteger;

/**
 * One change record, encoded and keyed, waiting to be sent.
 *
 * @param seq the order in which the sink received it
 * @param partitionKeyBytes UTF-8 length of the partition key
 * @param pointer whether {@code data} is a pointer envelope (the row went to the payload store)
 */
public record UserRecord(
    long seq,
    String partitionKey,
    int partitionKeyBytes,
    byte[] data,
    boolean pointer,
    TableId table,
    SourcePosition position) {

  /** Bytes Kinesis meters for this record on its own: data plus partition key. */
  public int kinesisBytes() {
    return data.length + partitionKeyBytes;
  }

  /** The 128-bit hash key Kinesis routes the partition key by. */
  public BigInteger hashKey() {
    return HashKeys.of(partitionKey);
  }
}
