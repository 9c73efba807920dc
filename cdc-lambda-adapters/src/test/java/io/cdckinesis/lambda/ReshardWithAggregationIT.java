package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import io.cdckinesis.s3.S3ObjectRef;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Issue 9's reshard with aggregation, over the real functions and kinesalite: the stream's only
 * shard is split while the producer sends aggregates packed by the shard map it read before the
 * split. Sub-records whose keys the receiving child does not own are sent again to the right one
 * (as the KPL does), and the consumer drops them where they landed by mistake (as the KCL does), so
 * the replica is right whichever child is consumed first.
 */
class ReshardWithAggregationIT {

  private static final String TABLES =
      "{\"dbo.t\": {\"columns\": [\"id\", \"name\"], \"primaryKey\": [\"id\"]}}";
  private static final int ROWS = 1_000;

  private static LocalS3 s3;
  private static LocalKinesis kinesis;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket("state");
    s3.createBucket("dms");
    kinesis = LocalKinesis.start();
    kinesis.createStream("split", 1);
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
  }

  private static FunctionEnvironment env() {
    Map<String, String> vars = new HashMap<>();
    vars.put(FunctionEnvironment.STREAM_NAME, "split");
    vars.put(FunctionEnvironment.STATE_BUCKET, "state");
    vars.put(FunctionEnvironment.TABLES, TABLES);
    vars.put(FunctionEnvironment.DMS_BUCKET, "dms");
    vars.put(FunctionEnvironment.AGGREGATE, "true");
    return FunctionEnvironment.from(vars);
  }

  @Test
  void aSplitWhileAggregatesAreInFlightLeavesTheReplicaRightInEitherChildOrder() throws Exception {
    Map<Integer, String> source = new TreeMap<>();
    StringBuilder load = new StringBuilder();
    StringBuilder change = new StringBuilder();
    for (int id = 1; id <= ROWS; id++) {
      load.append(id).append(",v0-").append(id).append('\n');
      change.append("U,").append(id).append(",v1-").append(id).append('\n');
    }
    for (int id = 1; id <= ROWS; id++) {
      change.append("U,").append(id).append(",v2-").append(id).append('\n');
      source.put(id, "v2-" + id);
    }
    put("dbo/t/LOAD00000001.csv", load);
    put("dbo/t/20261130-100000000.csv", change);

    // Split the shard in the middle of the change file's first updates, while the sink's shard map
    // is the old one: later updates of the same keys follow in the children.
    AtomicInteger writes = new AtomicInteger();
    AtomicLong rerouted = new AtomicLong();
    ProducerEngine engine =
        CdcFunctions.producer(
            env(),
            s3.client(),
            kinesis.client(),
            (SinkMetrics m) -> rerouted.accumulateAndGet(m.reroutedRecords(), Math::max),
            sink -> splittingAfter(ROWS + ROWS / 2, writes, sink));
    ProducerResult result =
        new S3ToKinesisHandler(engine, c -> uris -> {}, new CapturedMetrics().metrics())
            .handleRequest(
                EventLoader.loadS3Event(
                    event("dbo/t/LOAD00000001.csv", "dbo/t/20261130-100000000.csv").toString()),
                new TestContext("req-split"));

    assertThat(result.count(ObjectOutcome.Status.COMPLETED)).isEqualTo(2);
    Map<Shard, List<Record>> shards = LocalKinesis.readAll(kinesis.client(), "split");
    assertThat(shards).hasSize(3);
    List<String> children = new ArrayList<>();
    String parent = null;
    for (Shard s : shards.keySet()) {
      if (s.parentShardId() == null) {
        parent = s.shardId();
      } else {
        children.add(s.shardId());
        assertThat(shards.get(s)).as("records in child " + s.shardId()).isNotEmpty();
      }
    }
    assertThat(rerouted.get())
        .as("sub-records sent again to the child that owns them")
        .isPositive();

    assertThat(consume(shards, List.of(parent, children.get(0), children.get(1))))
        .isEqualTo(source);
    assertThat(consume(shards, List.of(parent, children.get(1), children.get(0))))
        .isEqualTo(source);
  }

  /** A sink that splits the stream's shard after {@code after} records were written to it. */
  private static ChangeSink splittingAfter(int after, AtomicInteger writes, ChangeSink sink) {
    return new ChangeSink() {
      @Override
      public void write(ChangeRecord record) {
        if (writes.incrementAndGet() == after) {
          kinesis
              .client()
              .splitShard(
                  b ->
                      b.streamName("split")
                          .shardToSplit("shardId-000000000000")
                          .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
          kinesis.awaitActive("split");
        }
        sink.write(record);
      }

      @Override
      public void writeControl(ControlRecord record) {
        sink.writeControl(record);
      }

      @Override
      public void flush() {
        sink.flush();
      }

      @Override
      public void close() {
        sink.close();
      }
    };
  }

  /** A fresh consumer (positions in memory) reading the shards in the given order. */
  private static Map<Integer, String> consume(Map<Shard, List<Record>> shards, List<String> order) {
    Replica replica = new Replica();
    var consumer =
        CdcFunctions.consumer(
            env(),
            s3.client(),
            kinesis.client(),
            () -> null,
            TableHandlers.builder().defaultHandler(replica).build());
    for (String shardId : order) {
      List<StreamRecord> batch = new ArrayList<>();
      shards.forEach(
          (shard, records) -> {
            if (shard.shardId().equals(shardId)) {
              for (Record r : records) {
                batch.add(
                    new StreamRecord(
                        "split",
                        shardId,
                        r.sequenceNumber(),
                        r.data().asByteArray(),
                        r.approximateArrivalTimestamp()));
              }
            }
          });
      BatchResult r = consumer.process(batch);
      assertThat(r.failedSequenceNumbers()).as("consumer failures in " + shardId).isEmpty();
    }
    return replica.rows;
  }

  private static void put(String key, CharSequence csv) {
    s3.client().putObject(b -> b.bucket("dms").key(key), RequestBody.fromString(csv.toString()));
  }

  private static Path event(String... keys) throws Exception {
    List<S3ObjectRef> refs = new ArrayList<>();
    for (String k : keys) {
      refs.add(S3ObjectRef.of("dms", k));
    }
    Path f = Files.createTempFile("reshard-event-", ".json");
    f.toFile().deleteOnExit();
    Files.write(f, S3Notifications.json(refs, "ObjectCreated:Put"));
    return f;
  }

  /** Last value per key; a reset empties the table. */
  private static final class Replica extends TableHandler {
    final Map<Integer, String> rows = new TreeMap<>();

    @Override
    protected synchronized void onInsert(ChangeInput in) {
      rows.put(
          Integer.parseInt(String.valueOf(in.keyValues().get(0))),
          (String) in.record().value("name"));
    }

    @Override
    protected void onUpdate(ChangeInput in) {
      onInsert(in);
    }

    @Override
    protected synchronized void onDelete(ChangeInput in) {
      rows.remove(Integer.parseInt(String.valueOf(in.keyValues().get(0))));
    }

    @Override
    public synchronized void onTruncate(TruncateInput in) {
      rows.clear();
    }
  }
}
