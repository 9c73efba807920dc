package io.cdckinesis.kinesis.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects change records bound for one shard into one Kinesis record in the KPL aggregated format:
 * the magic bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord}, and the MD5 of the
 * protobuf bytes. Tracks the exact serialized size as records are added, so an aggregate never
 * exceeds the record limit (data plus the Kinesis record's partition key).
 *
 * <p>Every change record inside carries the aggregate's explicit hash key. The KCL drops a
 * deaggregated record whose hash key falls outside the shard it was read from; with the aggregate's
 * own hash key none can, even when the shard map was stale and the aggregate landed in an
 * unexpected shard.
 */
final class KplAggregate {

  static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
  static final int DIGEST_BYTES = 16;

  // AggregatedRecord and Record field numbers (messages.proto of the KPL).
  static final int PARTITION_KEY_TABLE = 1;
  static final int EXPLICIT_HASH_KEY_TABLE = 2;
  static final int RECORDS = 3;
  static final int RECORD_PARTITION_KEY_INDEX = 1;
  static final int RECORD_EXPLICIT_HASH_KEY_INDEX = 2;
  static final int RECORD_DATA = 3;

  private final int maxRecordBytes;
  private final String shardId;
  private final String partitionKey;
  private final int partitionKeyBytes;
  private final String explicitHashKey;
  private final List<String> keyTable = new ArrayList<>();
  private final Map<String, Integer> keyIndex = new HashMap<>();
  private final List<UserRecord> records = new ArrayList<>();
  private final List<Integer> recordKeyIndex = new ArrayList<>();
  private int protobufBytes;

  /** Starts an aggregate with its first record, whose key and hash key route the aggregate. */
  KplAggregate(UserRecord first, String shardId, int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
    this.shardId = shardId;
    this.partitionKey = first.partitionKey();
    this.partitionKeyBytes = first.partitionKeyBytes();
    this.explicitHashKey = first.hashKey().toString();
    this.protobufBytes =
        CodedOutputStream.computeStringSize(EXPLICIT_HASH_KEY_TABLE, explicitHashKey);
    if (!tryAdd(first)) {
      throw new IllegalArgumentException("record does not fit an aggregate; check fitsAlone first");
    }
  }

  /** 2^128 - 1 has 39 decimal digits. */
  private static final int LONGEST_HASH_KEY_FIELD =
      CodedOutputStream.computeStringSize(EXPLICIT_HASH_KEY_TABLE, HashKeys.MAX.toString());

  /**
   * Whether a record fits in an aggregate of its own (else it is sent unaggregated). Counts the
   * longest possible hash key, to spare formatting one per record; the aggregate itself is sized
   * exactly.
   */
  static boolean fitsAlone(UserRecord u, int maxRecordBytes) {
    int size =
        LONGEST_HASH_KEY_FIELD
            + CodedOutputStream.computeStringSize(PARTITION_KEY_TABLE, u.partitionKey())
            + recordFieldSize(0, u.data().length);
    return MAGIC.length + size + DIGEST_BYTES + u.partitionKeyBytes() <= maxRecordBytes;
  }

  /** Bytes Kinesis meters for this aggregate now: data plus partition key. */
  int kinesisBytes() {
    return MAGIC.length + protobufBytes + DIGEST_BYTES + partitionKeyBytes;
  }

  /** How many bytes adding {@code u} would add, or -1 when it would exceed the record limit. */
  int growthIfAdded(UserRecord u) {
    Integer index = keyIndex.get(u.partitionKey());
    int growth = 0;
    int idx;
    if (index == null) {
      growth += CodedOutputStream.computeStringSize(PARTITION_KEY_TABLE, u.partitionKey());
      idx = keyTable.size();
    } else {
      idx = index;
    }
    growth += recordFieldSize(idx, u.data().length);
    return kinesisBytes() + growth <= maxRecordBytes ? growth : -1;
  }

  /** Adds a record if it fits. */
  boolean tryAdd(UserRecord u) {
    int growth = growthIfAdded(u);
    if (growth < 0) {
      return false;
    }
    Integer idx = keyIndex.get(u.partitionKey());
    if (idx == null) {
      idx = keyTable.size();
      keyTable.add(u.partitionKey());
      keyIndex.put(u.partitionKey(), idx);
    }
    records.add(u);
    recordKeyIndex.add(idx);
    protobufBytes += growth;
    return true;
  }

  int size() {
    return records.size();
  }

  String shardId() {
    return shardId;
  }

  List<UserRecord> records() {
    return records;
  }

  /** The Kinesis record: aggregated, or the lone record itself when there is only one. */
  OutgoingRecord toOutgoing() {
    if (records.size() == 1) {
      return OutgoingRecord.single(records.get(0), shardId);
    }
    return OutgoingRecord.aggregate(records, partitionKey, explicitHashKey, serialize(), shardId);
  }

  byte[] serialize() {
    byte[] out = new byte[MAGIC.length + protobufBytes + DIGEST_BYTES];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    CodedOutputStream pb = CodedOutputStream.newInstance(out, MAGIC.length, protobufBytes);
    try {
      for (String key : keyTable) {
        pb.writeString(PARTITION_KEY_TABLE, key);
      }
      pb.writeString(EXPLICIT_HASH_KEY_TABLE, explicitHashKey);
      for (int i = 0; i < records.size(); i++) {
        int keyIdx = recordKeyIndex.get(i);
        byte[] data = records.get(i).data();
        pb.writeTag(RECORDS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        pb.writeUInt32NoTag(recordMessageSize(keyIdx, data.length));
        pb.writeUInt64(RECORD_PARTITION_KEY_INDEX, keyIdx);
        pb.writeUInt64(RECORD_EXPLICIT_HASH_KEY_INDEX, 0);
        pb.writeByteArray(RECORD_DATA, data);
      }
      pb.checkNoSpaceLeft(); // the tracked size was exact
    } catch (IOException e) {
      throw new IllegalStateException("aggregate size bookkeeping is wrong", e);
    }
    var md5 = HashKeys.md5Digest();
    md5.update(out, MAGIC.length, protobufBytes);
    System.arraycopy(md5.digest(), 0, out, MAGIC.length + protobufBytes, DIGEST_BYTES);
    return out;
  }

  /** Size of one {@code records} field: tag, length, and the Record message. */
  private static int recordFieldSize(int keyIdx, int dataLength) {
    int message = recordMessageSize(keyIdx, dataLength);
    return CodedOutputStream.computeTagSize(RECORDS)
        + CodedOutputStream.computeUInt32SizeNoTag(message)
        + message;
  }

  private static int recordMessageSize(int keyIdx, int dataLength) {
    return CodedOutputStream.computeUInt64Size(RECORD_PARTITION_KEY_INDEX, keyIdx)
        + CodedOutputStream.computeUInt64Size(RECORD_EXPLICIT_HASH_KEY_INDEX, 0)
        + CodedOutputStream.computeTagSize(RECORD_DATA)
        + CodedOutputStream.computeUInt32SizeNoTag(dataLength)
        + dataLength;
  }
}
