package io.cdckinesis.jdbc;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A table's history as DMS output would carry it, and as the producer puts it on a two-shard
 * stream: a full load, change files (inserts, updates, deletes, re-inserts), a reload (truncate at
 * generation 2, announced on both shards) and the changes after it. Rows go to the shard of their
 * key. Also the table the history must end as.
 */
final class SourceStream {

  static final TableId TABLE = TableId.of("dbo", "Customer");
  static final List<String> SHARDS = List.of("shardId-000", "shardId-001");
  static final TableDefinitions DEFINITIONS =
      TableDefinitions.of(
          TableDefinition.builder(TABLE)
              .column("id", ColumnType.INTEGER)
              .column("name", ColumnType.STRING)
              .primaryKey("id")
              .build());

  private final List<Object> events = new ArrayList<>();
  private final Map<Long, String> expected = new TreeMap<>();

  SourceStream(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int version = 0;
    for (long id = 1; id <= 12; id++) {
      add(change(Operation.LOAD, load(1, id), id, "load-" + id));
    }
    int row = 0;
    for (int file = 1; file <= 6; file++) {
      for (int i = 0; i < 10; i++) {
        long id = 1 + random.nextInt(16);
        Operation op =
            !expected.containsKey(id)
                ? Operation.INSERT
                : random.nextInt(10) < 7 ? Operation.UPDATE : Operation.DELETE;
        add(change(op, cdc(1, file, ++row), id, "v" + ++version));
      }
    }
    add(
        new ControlRecord(
            ControlOperation.TRUNCATE_TABLE,
            TABLE,
            new SourceFile("s3://dms/dbo/Customer/LOAD00000001.csv", 2, 1, null),
            null,
            "reload",
            List.of()));
    for (long id = 1; id <= 8; id++) {
      add(change(Operation.LOAD, load(2, id), id, "reload-" + id));
    }
    for (int file = 7; file <= 8; file++) {
      for (int i = 0; i < 10; i++) {
        long id = 1 + random.nextInt(12);
        Operation op =
            !expected.containsKey(id)
                ? Operation.INSERT
                : random.nextInt(10) < 7 ? Operation.UPDATE : Operation.DELETE;
        add(change(op, cdc(2, file, ++row), id, "v" + ++version));
      }
    }
  }

  /** The source events in DMS order. */
  List<Object> events() {
    return events;
  }

  /** The table at the end: id to name. */
  Map<Long, String> expected() {
    return expected;
  }

  /** The stream, per shard, in order; control records on every shard. */
  Map<String, List<StreamRecord>> shards() {
    EnvelopeCodec codec = EnvelopeCodec.create();
    Map<String, List<StreamRecord>> out = new LinkedHashMap<>();
    SHARDS.forEach(s -> out.put(s, new ArrayList<>()));
    for (Object e : events) {
      if (e instanceof ChangeRecord c) {
        String shard = SHARDS.get((int) ((Long) c.value("id") % SHARDS.size()));
        append(out.get(shard), shard, codec.encode(c));
      } else {
        for (String shard : SHARDS) {
          append(out.get(shard), shard, codec.encodeControl((ControlRecord) e));
        }
      }
    }
    return out;
  }

  private static void append(List<StreamRecord> shard, String shardId, byte[] data) {
    String seq = String.format("%020d", shard.size() + 1);
    shard.add(new StreamRecord(shardId, seq, data, null));
  }

  private void add(Object event) {
    events.add(event);
    if (event instanceof ChangeRecord c) {
      long id = (Long) c.value("id");
      if (c.operation() == Operation.DELETE) {
        expected.remove(id);
      } else {
        expected.put(id, (String) c.value("name"));
      }
    } else {
      expected.clear(); // every row so far is of the older generation
    }
  }

  private static ChangeRecord change(Operation op, SourcePosition at, long id, String name) {
    return ChangeRecord.builder()
        .operation(op)
        .table(TABLE)
        .value("id", id)
        .value("name", name)
        .primaryKey("id")
        .position(at)
        .build();
  }

  private static SourcePosition load(long generation, long row) {
    return new SourcePosition(
        new SourceFile("s3://dms/dbo/Customer/LOAD00000001.csv", generation, 1, null),
        row,
        row + 1);
  }

  private static SourcePosition cdc(long generation, int file, long row) {
    String uri = String.format("s3://dms/dbo/Customer/20260101-0000%05d.csv", file);
    return new SourcePosition(new SourceFile(uri, generation, 1, null), row, row + 1);
  }
}
