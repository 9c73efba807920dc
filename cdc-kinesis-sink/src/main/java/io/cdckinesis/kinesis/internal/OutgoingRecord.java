package io.cdckinesis.kinesis.internal;

import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * One PutRecords entry as dispatched: a single change record, or a KPL aggregate of several of the
 * same shard, with the lane (shard) that paced it and what it took from that shard's budget. Built
 * for one call; a failed entry's change records go back to their keys and are packed again.
 */
final class OutgoingRecord {

  final List<PendingRecord> records;
  final PutRecordsRequestEntry entry;
  final int kinesisBytes;
  final boolean aggregated;
  final Backlog.Lane lane;
  final ShardPacer.Slot slot; // null when the lane is not paced

  private OutgoingRecord(
      List<PendingRecord> records,
      String partitionKey,
      byte[] data,
      int kinesisBytes,
      boolean aggregated,
      Backlog.Lane lane,
      ShardPacer.Slot slot) {
    this.records = records;
    this.entry =
        PutRecordsRequestEntry.builder()
            .partitionKey(partitionKey)
            .data(SdkBytes.fromByteArrayUnsafe(data))
            .build();
    this.kinesisBytes = kinesisBytes;
    this.aggregated = aggregated;
    this.lane = lane;
    this.slot = slot;
  }

  /** A change record sent on its own; Kinesis routes it by its partition key. */
  static OutgoingRecord single(PendingRecord p, Backlog.Lane lane, ShardPacer.Slot slot) {
    UserRecord u = p.record;
    return new OutgoingRecord(
        List.of(p), u.partitionKey(), u.data(), u.kinesisBytes(), false, lane, slot);
  }

  /** A KPL aggregate, routed by its first record's partition key. */
  static OutgoingRecord aggregate(
      List<PendingRecord> records, KplAggregate a, Backlog.Lane lane, ShardPacer.Slot slot) {
    return new OutgoingRecord(
        List.copyOf(records), a.partitionKey(), a.serialize(), a.kinesisBytes(), true, lane, slot);
  }

  /** The shard the shard map expected it in, or {@code null} when unknown. */
  String predictedShard() {
    return lane.shardId;
  }
}
