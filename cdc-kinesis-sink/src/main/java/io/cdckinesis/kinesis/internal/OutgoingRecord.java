package io.cdckinesis.kinesis.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * One PutRecords entry: a single change record or a KPL aggregate of several. Built once and sent
 * unchanged on every attempt, so an aggregate stays atomic: its change records are written
 * together, in order, or not at all.
 */
public final class OutgoingRecord {

  private final List<UserRecord> userRecords;
  private final Set<String> keys;
  private final PutRecordsRequestEntry entry;
  private final int kinesisBytes;
  private final String predictedShard;
  private int attempts;
  private long readyAtNanos;

  private OutgoingRecord(
      List<UserRecord> userRecords,
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      String predictedShard) {
    this.userRecords = List.copyOf(userRecords);
    Set<String> k = new LinkedHashSet<>();
    for (UserRecord u : userRecords) {
      k.add(u.partitionKey());
    }
    this.keys = Set.copyOf(k);
    this.entry =
        PutRecordsRequestEntry.builder()
            .partitionKey(partitionKey)
            .explicitHashKey(explicitHashKey)
            .data(SdkBytes.fromByteArrayUnsafe(data))
            .build();
    this.kinesisBytes =
        data.length
            + (userRecords.size() == 1
                ? userRecords.get(0).partitionKeyBytes()
                : utf8(partitionKey));
    this.predictedShard = predictedShard;
  }

  /** A change record sent on its own; Kinesis routes it by its partition key. */
  public static OutgoingRecord single(UserRecord u, String predictedShard) {
    return new OutgoingRecord(List.of(u), u.partitionKey(), null, u.data(), predictedShard);
  }

  /** A KPL aggregate routed by an explicit hash key. */
  static OutgoingRecord aggregate(
      List<UserRecord> records,
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      String predictedShard) {
    return new OutgoingRecord(records, partitionKey, explicitHashKey, data, predictedShard);
  }

  /** The first change record's arrival number: retries are sent in this order. */
  public long seq() {
    return userRecords.get(0).seq();
  }

  public List<UserRecord> userRecords() {
    return userRecords;
  }

  /** The partition keys of the change records inside. */
  public Set<String> keys() {
    return keys;
  }

  public PutRecordsRequestEntry entry() {
    return entry;
  }

  /** Data plus partition key, as Kinesis meters it. */
  public int kinesisBytes() {
    return kinesisBytes;
  }

  /** The shard the shard map expects it in, or {@code null} when not known. */
  public String predictedShard() {
    return predictedShard;
  }

  public int attempts() {
    return attempts;
  }

  /** Counts one more send; returns the new count. */
  public int recordAttempt() {
    return ++attempts;
  }

  public long readyAtNanos() {
    return readyAtNanos;
  }

  public void readyAt(long nanos) {
    this.readyAtNanos = nanos;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
