package io.cdckinesis.pipeline.consumer;

import com.google.protobuf.CodedOutputStream;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds change records, control records, stream records and KPL aggregates for tests. */
final class Changes {

  static final EnvelopeCodec CODEC = EnvelopeCodec.create();
  static final String CDC = "s3://b/dbo/T/20240101-000000000.csv";

  private Changes() {}

  static ChangeRecord change(String table, String id, Operation op, long row) {
    return change(table, id, op, row, 0);
  }

  /** A change of row {@code id} at row {@code row} of a change file, in a load generation. */
  static ChangeRecord change(String table, String id, Operation op, long row, long generation) {
    String uri =
        op == Operation.LOAD
            ? "s3://b/dbo/" + table + "/LOAD00000001.csv"
            : "s3://b/dbo/" + table + "/20240101-000000000.csv";
    return ChangeRecord.builder()
        .operation(op)
        .table("dbo", table)
        .primaryKey("id")
        .value("id", id)
        .value("v", "x" + row)
        .position(new SourcePosition(new SourceFile(uri, generation, 1, null), row, row + 1))
        .build();
  }

  static ControlRecord control(ControlOperation op, String table, long generation, String... cols) {
    return new ControlRecord(
        op,
        TableId.of("dbo", table),
        new SourceFile("s3://b/dbo/" + table + "/LOAD00000001.csv", generation, 1, null),
        null,
        op.wireName(),
        List.of(cols));
  }

  static StreamRecord record(String shard, long seq, ChangeRecord change) {
    return new StreamRecord(shard, Long.toString(seq), CODEC.encode(change), null);
  }

  static StreamRecord record(String shard, long seq, ControlRecord control) {
    return new StreamRecord(shard, Long.toString(seq), CODEC.encodeControl(control), null);
  }

  /** A user record inside an aggregate: its partition key, explicit hash key (or null), bytes. */
  record Sub(String partitionKey, String explicitHashKey, byte[] data) {}

  /** The KPL aggregated format: magic, AggregatedRecord protobuf, MD5 of the protobuf. */
  static byte[] aggregate(List<Sub> subs) {
    try {
      Map<String, Integer> keys = new LinkedHashMap<>();
      Map<String, Integer> hashKeys = new LinkedHashMap<>();
      for (Sub s : subs) {
        keys.putIfAbsent(s.partitionKey(), keys.size());
        if (s.explicitHashKey() != null) {
          hashKeys.putIfAbsent(s.explicitHashKey(), hashKeys.size());
        }
      }
      ByteArrayOutputStream pbBytes = new ByteArrayOutputStream();
      CodedOutputStream pb = CodedOutputStream.newInstance(pbBytes);
      for (String k : keys.keySet()) {
        pb.writeString(1, k);
      }
      for (String h : hashKeys.keySet()) {
        pb.writeString(2, h);
      }
      for (Sub s : subs) {
        ByteArrayOutputStream recBytes = new ByteArrayOutputStream();
        CodedOutputStream rec = CodedOutputStream.newInstance(recBytes);
        rec.writeUInt64(1, keys.get(s.partitionKey()));
        if (s.explicitHashKey() != null) {
          rec.writeUInt64(2, hashKeys.get(s.explicitHashKey()));
        }
        rec.writeByteArray(3, s.data());
        rec.flush();
        pb.writeByteArray(3, recBytes.toByteArray());
      }
      pb.flush();
      byte[] body = pbBytes.toByteArray();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2});
      out.write(body);
      out.write(MessageDigest.getInstance("MD5").digest(body));
      return out.toByteArray();
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<StreamRecord> concat(List<StreamRecord> a, List<StreamRecord> b) {
    List<StreamRecord> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
