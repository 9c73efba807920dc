package io.cdckinesis.kinesis.internal;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * One change record, encoded and keyed, waiting to be sent.
 *
 * @param seq the order in which the sink received it
 * @param partitionKeyBytes UTF-8 length of the partition key
 * @param hashKey the 128-bit hash key Kinesis routes the partition key by (MD5 of the key)
 * @param pointer whether {@code data} is a pointer envelope (the row went to the payload store)
 */
public record UserRecord(
    long seq,
    String partitionKey,
    int partitionKeyBytes,
    BigInteger hashKey,
    byte[] data,
    boolean pointer,
    TableId table,
    SourcePosition position) {

  /** Computes the key's byte length and hash key once, as batches may look at them often. */
  public static UserRecord of(
      long seq,
      String partitionKey,
      byte[] data,
      boolean pointer,
      TableId table,
      SourcePosition position) {
    byte[] key = partitionKey.getBytes(StandardCharsets.UTF_8);
    return new UserRecord(
        seq,
        partitionKey,
        key.length,
        new BigInteger(1, HashKeys.md5(key)),
        data,
        pointer,
        table,
        position);
  }

  /** The same record with other data (a pointer envelope in place of an oversize row). */
  public UserRecord withData(byte[] newData, boolean isPointer) {
    return new UserRecord(
        seq, partitionKey, partitionKeyBytes, hashKey, newData, isPointer, table, position);
  }

  /** Bytes Kinesis meters for this record on its own: data plus partition key. */
  public int kinesisBytes() {
    return data.length + partitionKeyBytes;
  }
}
