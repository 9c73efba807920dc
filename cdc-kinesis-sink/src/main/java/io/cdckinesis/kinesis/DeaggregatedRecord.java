package io.cdckinesis.kinesis;

import io.cdckinesis.kinesis.internal.HashKeys;
import java.math.BigInteger;
import java.util.Objects;

/**
 * One record out of a Kinesis record: a change record's envelope bytes with the partition key it
 * was written under.
 *
 * @param partitionKey the record's own partition key (for an aggregate, from its key table)
 * @param explicitHashKey the explicit hash key it carries, or {@code null} when it has none
 * @param data the record's bytes (not copied: treat as read-only)
 * @param aggregated whether it came out of a KPL aggregate
 * @param subSequenceNumber its index within the aggregate; 0 for a record that was not aggregated
 */
public record DeaggregatedRecord(
    String partitionKey,
    String explicitHashKey,
    byte[] data,
    boolean aggregated,
    long subSequenceNumber) {

  public DeaggregatedRecord {
    Objects.requireNonNull(data, "data");
  }

  /**
   * The hash key that routes this record: its explicit hash key when it has one, else the MD5 of
   * its partition key (as Kinesis and the KCL compute it); null when it has neither.
   */
  public BigInteger hashKey() {
    if (explicitHashKey != null) {
      return new BigInteger(explicitHashKey);
    }
    return partitionKey == null ? null : HashKeys.of(partitionKey);
  }
}
