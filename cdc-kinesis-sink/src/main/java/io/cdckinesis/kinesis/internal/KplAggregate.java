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
 * exceeds its size cap (data plus the Kinesis record's partition key).
 *
 * <p>The aggregate goes under its first record's partition key, so it lands in that record's shard.
 * The records inside carry their own partition keys and no explicit hash key, as the KPL writes
 * them: a consumer (the KCL, or {@code KplDeaggregator} with a shard range) drops an aggregate
 * holding a key whose hash falls outside the shard it reads, which only happens when the aggregate
 * was packed with a shard map made stale by a reshard; the sink then sends its records again, each
 * to its own shard.
 */
final class KplAggregate {

  static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
  static final int DIGEST_BYTES = 16;

  // AggregatedRecord and Record field numbers (messages.proto of the KPL).
  static final int PARTITION_KEY_TABLE = 1;
  static final int RECORDS = 3;
  static final int RECORD_PARTITION_KEY_INDEX = 1;
  static final int RECORD_DATA = 3;

  private final int maxBytes;
  private final String partitionKey;
  private final int partitionKeyBytes;
  private final List<String> keyTable = new ArrayList<>();
  private final Map<String, Integer> keyIndex = new HashMap<>();
  private final List<UserRecord> records = new ArrayList<>();
  private final List<Integer> recordKeyIndex = new ArrayList<>();
  private int protobufBytes;

  /**
   * Starts an aggregate with its first record, whose key routes the aggregate.
   *
   * @param maxBytes the cap: data plus partition key of the Kinesis record
   * @throws IllegalArgumentException when the first record does not fit the cap
   */
  KplAggregate(UserRecord first, int maxBytes) {
    this.maxBytes = maxBytes;
    this.partitionKey = first.partitionKey();
    this.partitionKeyBytes = first.partitionKeyBytes();
    if (!tryAdd(first)) {
      throw new IllegalArgumentException("record does not fit an aggregate; check sizeAlone first");
    }
  }

  /** The Kinesis bytes of an aggregate holding only {@code u}: it fits a cap at least this big. */
  static int sizeAlone(UserRecord u) {
    return MAGIC.length
        + CodedOutputStream.computeStringSize(PARTITION_KEY_TABLE, u.partitionKey())
        + recordFieldSize(0, u.data().length)
        + DIGEST_BYTES
        + u.partitionKeyBytes();
  }

  /** Bytes Kinesis meters for this aggregate now: data plus partition key. */
  int kinesisBytes() {
    return MAGIC.length + protobufBytes + DIGEST_BYTES + partitionKeyBytes;
  }

  String partitionKey() {
    return partitionKey;
  }

  /** How many bytes adding {@code u} would add, or -1 when it would exceed the cap. */
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
    return kinesisBytes() + growth <= maxBytes ? growth : -1;
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

  List<UserRecord> records() {
    return records;
  }

  byte[] serialize() {
    byte[] out = new byte[MAGIC.length + protobufBytes + DIGEST_BYTES];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    CodedOutputStream pb = CodedOutputStream.newInstance(out, MAGIC.length, protobufBytes);
    try {
      for (String key : keyTable) {
        pb.writeString(PARTITION_KEY_TABLE, key);
      }
      for (int i = 0; i < records.size(); i++) {
        int keyIdx = recordKeyIndex.get(i);
        byte[] data = records.get(i).data();
        pb.writeTag(RECORDS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        pb.writeUInt32NoTag(recordMessageSize(keyIdx, data.length));
        pb.writeUInt64(RECORD_PARTITION_KEY_INDEX, keyIdx);
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
        + CodedOutputStream.computeTagSize(RECORD_DATA)
        + CodedOutputStream.computeUInt32SizeNoTag(dataLength)
        + dataLength;
  }
}
