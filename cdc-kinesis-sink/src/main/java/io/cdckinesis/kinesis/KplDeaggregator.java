package io.cdckinesis.kinesis;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.cdckinesis.kinesis.internal.HashKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unpacks Kinesis records written in the KPL aggregated format (by this library's sink with
 * aggregation on, by the KPL, or by other KPL-compatible producers); other records pass through as
 * one record. Consumers that do not use the KCL call this on each record's data.
 *
 * <p>The format: the magic bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord} ({@code
 * partition_key_table = 1}, {@code explicit_hash_key_table = 2}, {@code records = 3}; each Record
 * {@code partition_key_index = 1}, {@code explicit_hash_key_index = 2}, {@code data = 3}, {@code
 * tags = 4}), then the MD5 of the protobuf bytes.
 *
 * <p>Unlike the KCL, which passes a record with the magic but a wrong checksum through unchanged,
 * this throws {@link KplFormatException}: a damaged aggregate should be noticed, not handed on as
 * data. Stateless and thread-safe.
 */
public final class KplDeaggregator {

  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
  private static final int DIGEST_BYTES = 16;
  private static final long NONE = Long.MIN_VALUE; // a uint64 index this large cannot be valid

  private KplDeaggregator() {}

  /** Whether the bytes start with the KPL magic and are long enough to hold a checksum. */
  public static boolean isAggregated(byte[] data) {
    if (data.length < MAGIC.length + DIGEST_BYTES) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The records inside a Kinesis record.
   *
   * @param data the Kinesis record's data
   * @param partitionKey the Kinesis record's partition key, kept for a record that is not an
   *     aggregate
   * @param explicitHashKey the Kinesis record's explicit hash key, or {@code null}; kept for a
   *     record that is not an aggregate
   * @throws KplFormatException when the record has the magic bytes but is not a valid aggregate
   */
  public static List<DeaggregatedRecord> deaggregate(
      byte[] data, String partitionKey, String explicitHashKey) {
    if (!isAggregated(data)) {
      return List.of(new DeaggregatedRecord(partitionKey, explicitHashKey, data, false, 0));
    }
    int pbStart = MAGIC.length;
    int pbLength = data.length - MAGIC.length - DIGEST_BYTES;
    MessageDigest md5 = md5();
    md5.update(data, pbStart, pbLength);
    if (!MessageDigest.isEqual(
        md5.digest(), Arrays.copyOfRange(data, pbStart + pbLength, data.length))) {
      throw new KplFormatException(
          "record has the KPL aggregation magic but its MD5 checksum does not match");
    }
    try {
      return parse(CodedInputStream.newInstance(data, pbStart, pbLength));
    } catch (InvalidProtocolBufferException e) {
      throw new KplFormatException("KPL aggregate is not a valid AggregatedRecord protobuf", e);
    } catch (IOException e) {
      throw new KplFormatException("KPL aggregate could not be read", e);
    }
  }

  /**
   * The records inside a Kinesis record read from a shard, leaving out the aggregated records whose
   * hash key (their explicit hash key, else the MD5 of their partition key) lies outside the
   * shard's range, as the KCL does. Such records are in the shard only because a producer packed
   * the aggregate with a shard map made stale by a reshard; a producer that follows the KPL (this
   * library's sink does) sends them again to the shard that owns them. A record that is not an
   * aggregate is always kept: Kinesis routed it by its own key.
   *
   * @param startingHashKey the shard's starting hash key (ListShards' {@code HashKeyRange})
   * @param endingHashKey the shard's ending hash key
   * @throws KplFormatException when the record has the magic bytes but is not a valid aggregate
   */
  public static List<DeaggregatedRecord> deaggregate(
      byte[] data,
      String partitionKey,
      String explicitHashKey,
      BigInteger startingHashKey,
      BigInteger endingHashKey) {
    List<DeaggregatedRecord> all = deaggregate(data, partitionKey, explicitHashKey);
    if (all.isEmpty() || !all.get(0).aggregated()) {
      return all;
    }
    for (DeaggregatedRecord d : all) {
      BigInteger hash =
          d.explicitHashKey() != null
              ? new BigInteger(d.explicitHashKey())
              : HashKeys.of(d.partitionKey());
      if (hash.compareTo(startingHashKey) < 0 || hash.compareTo(endingHashKey) > 0) {
        return List.of();
      }
    }
    return all;
  }

  private static List<DeaggregatedRecord> parse(CodedInputStream in) throws IOException {
    List<String> keys = new ArrayList<>();
    List<String> hashKeys = new ArrayList<>();
    List<long[]> indexes = new ArrayList<>(); // {partition key index, hash key index or NONE}
    List<byte[]> payloads = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> keys.add(in.readString());
        case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> hashKeys.add(in.readString());
        case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          int limit = in.pushLimit(in.readRawVarint32());
          long keyIndex = NONE;
          long hashIndex = NONE;
          byte[] payload = null;
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (t) {
              case (1 << 3) | WireFormat.WIRETYPE_VARINT -> keyIndex = in.readUInt64();
              case (2 << 3) | WireFormat.WIRETYPE_VARINT -> hashIndex = in.readUInt64();
              case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> payload = in.readByteArray();
              default -> in.skipField(t); // tags and unknown fields
            }
          }
          in.popLimit(limit);
          if (keyIndex == NONE || payload == null) {
            throw new KplFormatException(
                "KPL aggregate record " + payloads.size() + " lacks partition_key_index or data");
          }
          indexes.add(new long[] {keyIndex, hashIndex});
          payloads.add(payload);
        }
        default -> in.skipField(tag);
      }
    }
    List<DeaggregatedRecord> out = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      long keyIndex = indexes.get(i)[0];
      long hashIndex = indexes.get(i)[1];
      if (!validIndex(keyIndex, keys.size())
          || (hashIndex != NONE && !validIndex(hashIndex, hashKeys.size()))) {
        throw new KplFormatException(
            "KPL aggregate record " + i + " refers to a key table entry that does not exist");
      }
      String hashKey = hashIndex == NONE ? null : hashKeys.get((int) hashIndex);
      out.add(new DeaggregatedRecord(keys.get((int) keyIndex), hashKey, payloads.get(i), true, i));
    }
    return out;
  }

  /** Unsigned compare: a uint64 index above 2^63 reads as negative. */
  private static boolean validIndex(long index, int tableSize) {
    return Long.compareUnsigned(index, tableSize) < 0;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }
}
