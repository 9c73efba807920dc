package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.dynamodb.DynamoDbAppliedPositionStore;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.local.LocalDynamoDb;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Lambda redelivers a batch to a fresh container when an invocation dies (timeout, crash, out of
 * memory): new handler objects, empty memory, only the DynamoDB position store survives. Over the
 * real local servers (kinesalite, dynalite, s3proxy), the consumer function is killed at 20 points
 * between changes (before a handler call, or right after a change's position was written) and the
 * batch redelivered each time to a new instance; a target that is not idempotent (it counts each
 * change it gets) must see every change exactly once and end in the right state.
 */
class ExactlyOnceRedeliveryIT {

  private static final String STATE = "exactly-once-state";

  private static LocalS3 s3;
  private static LocalKinesis kinesis;
  private static LocalDynamoDb dynamo;
  private static int streams;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket(STATE);
    kinesis = LocalKinesis.start();
    dynamo = LocalDynamoDb.start();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    kinesis.close();
    s3.close();
  }

  /** The process dies: nothing after it runs, nothing is reported. */
  static final class Crash extends Error {
    Crash(String where) {
      super("killed " + where, null, false, false);
    }
  }

  /** Decides where the process dies; survives the "containers" it kills. */
  static final class KillSchedule {
    final TreeSet<Integer> beforeHandlerCall;
    final TreeSet<Integer> afterPositionWrite;
    final TreeSet<Integer> afterHandlerEffect = new TreeSet<>();
    int handlerCalls;
    int positionWrites;
    int kills;

    KillSchedule(Set<Integer> beforeHandlerCall, Set<Integer> afterPositionWrite) {
      this.beforeHandlerCall = new TreeSet<>(beforeHandlerCall);
      this.afterPositionWrite = new TreeSet<>(afterPositionWrite);
    }

    void handlerCall() {
      if (beforeHandlerCall.remove(++handlerCalls)) {
        kills++;
        throw new Crash("before handler call " + handlerCalls);
      }
    }

    void handlerEffectDone() {
      if (afterHandlerEffect.remove(handlerCalls)) {
        kills++;
        throw new Crash("inside handler call " + handlerCalls + ", after its effect");
      }
    }

    void positionWritten() {
      if (afterPositionWrite.remove(++positionWrites)) {
        kills++;
        throw new Crash("after position write " + positionWrites);
      }
    }
  }

  /** The user's database, outside any container: counts every change it is given. */
  static final class Database {
    final Map<String, Integer> timesApplied = new HashMap<>();
    final Map<String, List<Object>> rows = new HashMap<>();
    long inserts; // a running total, as a non-idempotent target would keep

    synchronized void apply(ChangeRecord r) {
      timesApplied.merge(r.position().toString() + " " + r.keyValues(), 1, Integer::sum);
      switch (r.operation()) {
        case INSERT, LOAD -> {
          inserts++;
          rows.put(r.keyValues().toString(), r.values());
        }
        case UPDATE -> rows.put(r.keyValues().toString(), r.values());
        case DELETE -> rows.remove(r.keyValues().toString());
      }
    }
  }

  /** The handler a fresh container builds: a new object each time, writing to the database. */
  static final class DatabaseHandler extends TableHandler {
    private final Database db;
    private final KillSchedule kills;

    DatabaseHandler(Database db, KillSchedule kills) {
      this.db = db;
      this.kills = kills;
    }

    @Override
    public void handle(ChangeInput in) {
      kills.handlerCall();
      db.apply(in.record());
      kills.handlerEffectDone();
    }
  }

  /** A fresh function instance: new clients, new handler, new consumer, empty memory. */
  private static KinesisChangeHandler freshContainer(
      String table, Database db, KillSchedule kills, List<DynamoDbClient> clients) {
    DynamoDbClient client =
        dynamo
            .clientBuilder()
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                          @Override
                          public void afterExecution(
                              Context.AfterExecution context, ExecutionAttributes attributes) {
                            if (context.request() instanceof PutItemRequest) {
                              kills.positionWritten();
                            }
                          }
                        }))
            .build();
    clients.add(client);
    Map<String, String> vars = new HashMap<>();
    vars.put(FunctionEnvironment.STATE_BUCKET, STATE);
    vars.put(FunctionEnvironment.POSITIONS_TABLE, table);
    return new KinesisChangeHandler(
        CdcFunctions.consumer(
            FunctionEnvironment.from(vars),
            s3.client(),
            kinesis.client(),
            () -> client,
            TableHandlers.builder().defaultHandler(new DatabaseHandler(db, kills)).build()),
        new CapturedMetrics().metrics());
  }

  /** 300 changes to 40 rows: inserts, updates, deletes and re-inserts, in source order. */
  private static List<ChangeRecord> changes() {
    Random random = new Random(42);
    Map<Integer, Boolean> exists = new LinkedHashMap<>();
    List<ChangeRecord> out = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      int id = random.nextInt(40);
      boolean there = exists.getOrDefault(id, false);
      Operation op =
          !there ? Operation.INSERT : random.nextInt(4) == 0 ? Operation.DELETE : Operation.UPDATE;
      exists.put(id, op != Operation.DELETE);
      out.add(
          ChangeRecord.builder()
              .operation(op)
              .table("shop", "orders")
              .primaryKey("id")
              .value("id", (long) id)
              .value("amount", (long) i)
              .position(
                  new SourcePosition(
                      new SourceFile(
                          String.format("s3://dms/shop/orders/20261124-0800%05d.csv", i / 100),
                          1,
                          1,
                          null),
                      i % 100 + 1,
                      i % 100 + 2))
              .build());
    }
    return out;
  }

  @ParameterizedTest(name = "aggregation {0}")
  @ValueSource(booleans = {false, true})
  void redeliveryToFreshContainersAppliesEveryChangeExactlyOnce(boolean aggregate) {
    // 10 kills before a handler call, 10 right after a change's position was written.
    KillSchedule kills =
        new KillSchedule(
            Set.of(3, 20, 41, 77, 102, 150, 188, 230, 265, 301),
            Set.of(1, 15, 33, 60, 99, 120, 170, 199, 244, 290));
    List<ChangeRecord> changes = changes();
    Database expected = new Database();
    changes.forEach(expected::apply);

    Database db = run(changes, aggregate, kills);

    assertThat(kills.kills).as("every kill point was reached").isEqualTo(20);
    assertThat(db.timesApplied.values()).as("no change applied twice").allMatch(n -> n == 1);
    assertThat(db.timesApplied).hasSize(changes.size());
    assertThat(db.inserts).isEqualTo(expected.inserts);
    assertThat(db.rows).isEqualTo(expected.rows);
  }

  /**
   * The documented window: a process killed inside a handler call, after the handler's effect and
   * before the change's position is written, gets that one change again on redelivery (an upsert or
   * delete by key is unharmed; a handler keeping positions in its own transaction closes it).
   */
  @org.junit.jupiter.api.Test
  void aKillInsideAHandlerCallAfterItsEffectHandsThatOneChangeOverAgain() {
    KillSchedule kills = new KillSchedule(Set.of(), Set.of());
    kills.afterHandlerEffect.addAll(Set.of(10, 50, 120));
    List<ChangeRecord> changes = changes();
    Database expected = new Database();
    changes.forEach(expected::apply);

    Database db = run(changes, false, kills);

    assertThat(kills.kills).isEqualTo(3);
    assertThat(db.timesApplied.values().stream().filter(n -> n == 2)).hasSize(3);
    assertThat(db.timesApplied.values()).allMatch(n -> n <= 2);
    assertThat(db.rows).isEqualTo(expected.rows); // by key: the state is still right
  }

  /** Writes the changes to a new stream and consumes it as Lambda would, across kills. */
  private Database run(List<ChangeRecord> changes, boolean aggregate, KillSchedule kills) {
    String stream = "exactly-once-" + (++streams);
    kinesis.createStream(stream, 2);
    String table = "cdc-positions-" + streams;
    dynamo.createTable(table, DynamoDbAppliedPositionStore.KEY);
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(kinesis.client())
            .streamName(stream)
            .config(KinesisSinkConfig.builder().aggregation(aggregate).maxBatchRecords(50).build())
            .build()) {
      changes.forEach(sink::write);
    }
    Database db = new Database();
    List<DynamoDbClient> clients = new ArrayList<>();
    int invocations = 0;
    KinesisChangeHandler function = freshContainer(table, db, kills, clients);
    for (Map.Entry<Shard, List<Record>> shard :
        LocalKinesis.readAll(kinesis.client(), stream).entrySet()) {
      List<Record> records = shard.getValue();
      int from = 0;
      while (from < records.size()) {
        List<Record> batch = records.subList(from, Math.min(records.size(), from + 25));
        invocations++;
        StreamsEventResponse response;
        try {
          response =
              function.handleRequest(
                  event(stream, shard.getKey().shardId(), batch),
                  new TestContext("req-" + invocations));
        } catch (Crash c) {
          function = freshContainer(table, db, kills, clients); // same batch, new container
          continue;
        }
        assertThat(response.getBatchItemFailures()).isEmpty();
        from += batch.size();
      }
    }
    clients.forEach(DynamoDbClient::close);
    return db;
  }

  private static KinesisEvent event(String stream, String shardId, List<Record> records) {
    List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
    for (Record r : records) {
      KinesisEvent.Record k = new KinesisEvent.Record();
      k.setKinesisSchemaVersion("1.0");
      k.setPartitionKey(r.partitionKey());
      k.setSequenceNumber(r.sequenceNumber());
      k.setData(r.data().asByteBuffer());
      k.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
      KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
      e.setKinesis(k);
      e.setEventSource("aws:kinesis");
      e.setEventID(shardId + ":" + r.sequenceNumber());
      e.setEventName("aws:kinesis:record");
      e.setEventVersion("1.0");
      e.setEventSourceARN("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream);
      e.setAwsRegion("us-east-1");
      out.add(e);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(out);
    return event;
  }
}
