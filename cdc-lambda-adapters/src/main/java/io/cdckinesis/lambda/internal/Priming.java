package io.cdckinesis.lambda.internal;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.lambda.FunctionEnvironment;
import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * SnapStart priming of a function: a CRaC {@link Resource} the Lambda runtime calls before it takes
 * the snapshot of an initialized function and after it restores one.
 *
 * <p>Before the checkpoint it builds the container's clients and runs the function's code paths
 * once without touching the network: a DMS CSV file is read with the function's settings (the
 * producer), records are encoded and decoded as envelopes, a throwaway consumer applies them to a
 * no-op handler (the consumer), and the SDK calls the function makes run dry ({@link DryRun}). The
 * classes this loads and the code the JIT compiles are in the snapshot, so the first invocation
 * after a restore does not pay for them.
 *
 * <p>Nothing unique to a container is made before the checkpoint: no credentials are resolved, no
 * response (and so no clock skew) is read, no random generator is seeded, no connection is opened,
 * and the consumer with your handlers is built at the first invocation. After the restore, {@code
 * refresh} drops whatever the function built before the checkpoint that belongs to one container.
 *
 * <p>A configuration error fails the checkpoint (it would fail every invocation: Lambda then
 * reports it when it publishes the version); any other priming failure is logged and the snapshot
 * is taken unprimed.
 */
public final class Priming implements Resource {

  private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

  private final String function;
  private final Runnable prime;
  private final Runnable refresh;
  private final AtomicInteger checkpoints = new AtomicInteger();
  private final AtomicInteger primed = new AtomicInteger();
  private final AtomicInteger restores = new AtomicInteger();
  private volatile Instant checkpointedAt;

  Priming(String function, Runnable prime, Runnable refresh) {
    this.function = Objects.requireNonNull(function, "function");
    this.prime = Objects.requireNonNull(prime, "prime");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  /**
   * A priming registered with the global CRaC context. The context holds its resources weakly: keep
   * the returned object in a field of the handler.
   */
  public static Priming register(String function, Runnable prime, Runnable refresh) {
    Priming p = new Priming(function, prime, refresh);
    Core.getGlobalContext().register(p);
    return p;
  }

  /** The producer's and the sweep's priming (their engine is built by their constructor). */
  public static Priming producer(
      String function, FunctionEnvironment env, FunctionClients clients) {
    return register(function, () -> primeProducer(env, clients), () -> {});
  }

  /**
   * The consumer's priming: {@code env} and {@code clients} are read when the checkpoint comes;
   * {@code forgetConsumer} runs after a restore.
   */
  public static Priming consumer(
      String function,
      Supplier<FunctionEnvironment> env,
      Supplier<FunctionClients> clients,
      Runnable forgetConsumer) {
    return register(function, () -> primeConsumer(env.get(), clients.get()), forgetConsumer);
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    checkpoints.incrementAndGet();
    long start = System.nanoTime();
    try {
      prime.run();
      primed.incrementAndGet();
      LOG.atInfo()
          .setMessage("primed for the snapshot")
          .addKeyValue("function", function)
          .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000)
          .log();
    } catch (ConfigurationException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.atWarn()
          .setMessage("priming failed, the snapshot is taken unprimed: " + e)
          .addKeyValue("function", function)
          .setCause(e)
          .log();
    }
    checkpointedAt = Instant.now();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    restores.incrementAndGet();
    refresh.run();
    Instant at = checkpointedAt;
    LOG.atInfo()
        .setMessage("restored from the snapshot")
        .addKeyValue("function", function)
        .addKeyValue(
            "snapshotAgeSeconds", at == null ? -1 : Duration.between(at, Instant.now()).toSeconds())
        .log();
  }

  /** Checkpoints seen. */
  public int checkpoints() {
    return checkpoints.get();
  }

  /** Checkpoints whose priming completed. */
  public int primed() {
    return primed.get();
  }

  /** Restores seen. */
  public int restores() {
    return restores.get();
  }

  // ---------------------------------------------------------------------------------------------
  // What the functions run before the checkpoint
  // ---------------------------------------------------------------------------------------------

  private static final String STREAM_ARN =
      "arn:aws:kinesis:us-east-1:000000000000:stream/cdc-priming";
  private static final String SHARD = "shardId-000000000000";

  static void primeProducer(FunctionEnvironment env, FunctionClients clients) {
    env.requireProducer();
    EnvelopeCodec codec = EnvelopeCodec.withTables(env.tables());
    List<byte[]> envelopes = new ArrayList<>();
    for (ChangeRecord r : readSampleFile(env)) {
      byte[] bytes = codec.encode(r);
      codec.decode(bytes);
      envelopes.add(bytes);
    }
    String bucket = env.stateBucket();
    String key = env.statePrefix() + "cdc-priming";
    DryRun.call(
        "S3 ListObjectsV2",
        () ->
            clients
                .s3()
                .listObjectsV2(
                    b -> b.bucket(bucket).prefix(key).overrideConfiguration(DryRun::mark)));
    DryRun.call(
        "S3 GetObject",
        () ->
            clients
                .s3()
                .getObject(b -> b.bucket(bucket).key(key).overrideConfiguration(DryRun::mark)));
    DryRun.call(
        "S3 PutObject",
        () ->
            clients
                .s3()
                .putObject(
                    b -> b.bucket(bucket).key(key).overrideConfiguration(DryRun::mark),
                    RequestBody.fromBytes(envelopes.get(0))));
    DryRun.call(
        "Kinesis PutRecords",
        () ->
            clients
                .kinesis()
                .putRecords(
                    b ->
                        b.streamName(env.streamName())
                            .records(
                                envelopes.stream()
                                    .map(
                                        e ->
                                            software.amazon.awssdk.services.kinesis.model
                                                .PutRecordsRequestEntry.builder()
                                                .partitionKey("cdc_priming.rows|1")
                                                .data(SdkBytes.fromByteArray(e))
                                                .build())
                                    .toList())
                            .overrideConfiguration(DryRun::mark)));
    DryRun.call(
        "Lambda Invoke",
        () ->
            clients
                .lambda()
                .invoke(
                    b ->
                        b.functionName("cdc-priming")
                            .invocationType(InvocationType.EVENT)
                            .payload(
                                SdkBytes.fromByteArray(
                                    S3Notifications.json(
                                        List.of(S3ObjectRef.parse("s3://" + bucket + "/" + key)))))
                            .overrideConfiguration(DryRun::mark)));
  }

  static void primeConsumer(FunctionEnvironment env, FunctionClients clients) {
    EnvelopeCodec codec = EnvelopeCodec.withTables(env.tables());
    List<StreamRecord> records = new ArrayList<>();
    long sequence = 1;
    for (ChangeRecord r : sampleRecords()) {
      records.add(
          new StreamRecord(
              STREAM_ARN,
              SHARD,
              "4959033827149025660855969253836157109592157598913658889" + sequence++,
              codec.encode(r),
              Instant.now()));
    }
    List<Object> letters = new ArrayList<>();
    ChangeConsumer dry =
        ChangeConsumer.builder()
            .handlers(TableHandlers.builder().defaultHandler(new TableHandler() {}).build())
            .codec(codec)
            .deadLetters(letters::add)
            .build();
    BatchResult result = dry.process(records, () -> Duration.ofMinutes(1));
    if (result.applied() != records.size() || !letters.isEmpty()) {
      throw new IllegalStateException(
          "the dry consumer applied " + result.applied() + " of " + records.size() + " changes");
    }
    String bucket = env.stateBucket();
    String key = env.oversizePrefix() + "cdc-priming";
    DryRun.call(
        "S3 GetObject",
        () ->
            clients
                .s3()
                .getObject(b -> b.bucket(bucket).key(key).overrideConfiguration(DryRun::mark)));
    DryRun.call(
        "S3 PutObject",
        () ->
            clients
                .s3()
                .putObject(
                    b -> b.bucket(bucket).key(key).overrideConfiguration(DryRun::mark),
                    RequestBody.fromBytes(records.get(0).data())));
    DryRun.call(
        "Kinesis ListShards",
        () ->
            clients
                .kinesis()
                .listShards(b -> b.streamARN(STREAM_ARN).overrideConfiguration(DryRun::mark)));
    String table = env.positionsTable();
    if (table != null) {
      Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("cdc_priming.rows|1"));
      DryRun.call(
          "DynamoDB BatchGetItem",
          () ->
              clients
                  .dynamoDb()
                  .batchGetItem(
                      b ->
                          b.requestItems(
                                  Map.of(
                                      table,
                                      KeysAndAttributes.builder()
                                          .keys(List.of(item))
                                          .consistentRead(true)
                                          .build()))
                              .overrideConfiguration(DryRun::mark)));
      DryRun.call(
          "DynamoDB PutItem",
          () ->
              clients
                  .dynamoDb()
                  .putItem(
                      b ->
                          b.tableName(table)
                              .item(item)
                              .conditionExpression("attribute_not_exists(pk)")
                              .overrideConfiguration(DryRun::mark)));
      DryRun.call(
          "DynamoDB UpdateItem",
          () ->
              clients
                  .dynamoDb()
                  .updateItem(
                      b ->
                          b.tableName(table)
                              .key(item)
                              .updateExpression("SET gen = :g")
                              .expressionAttributeValues(Map.of(":g", AttributeValue.fromN("1")))
                              .overrideConfiguration(DryRun::mark)));
    }
  }

  /**
   * A small DMS change file (insert, update, delete) written for the function's own settings (its
   * delimiter, null value, Op and timestamp columns, gzip), with a header, read with its reader.
   */
  static List<ChangeRecord> readSampleFile(FunctionEnvironment env) {
    DmsCsvSettings own = env.dmsSettings();
    DmsCsvSettings settings =
        own.toBuilder()
            .addColumnName(true)
            .datePartitionEnabled(false)
            .preserveTransactions(false)
            .build();
    String d = String.valueOf(settings.delimiter());
    String nl = settings.csvRowDelimiter();
    boolean op = settings.hasOpColumn(DmsFileKind.CDC);
    String ts = settings.timestampColumnName();
    StringBuilder csv = new StringBuilder();
    List<String> header = new ArrayList<>();
    if (op) {
      header.add("Op");
    }
    if (ts != null && !ts.isBlank()) {
      header.add(ts);
    }
    header.addAll(List.of("id", "name", "note"));
    csv.append(String.join(d, header)).append(nl);
    for (String[] row :
        List.of(
            new String[] {"I", "1", "Ann"},
            new String[] {"U", "1", "Ann B"},
            new String[] {"D", "1", "Ann B"})) {
      List<String> fields = new ArrayList<>();
      if (op) {
        fields.add(row[0]);
      }
      if (ts != null && !ts.isBlank()) {
        fields.add("2026-01-01 00:00:00.000000");
      }
      String nullValue = settings.csvNullValue() == null ? "" : settings.csvNullValue();
      fields.addAll(List.of(row[1], row[2], nullValue));
      csv.append(String.join(d, fields)).append(nl);
    }
    String path = "cdc_priming/rows/20260101-000000000.csv.gz";
    DmsObjectKey key = DmsObjectKey.parsePath(path, settings);
    DmsCsvReader reader = DmsCsvReader.builder().settings(settings).tables(env.tables()).build();
    List<ChangeRecord> records = new ArrayList<>();
    try (DmsFileReader file =
        reader.open("s3://cdc-priming/" + path, key, new ByteArrayInputStream(gzip(csv)))) {
      for (ChangeRecord r; (r = file.read()) != null; ) {
        records.add(r);
      }
    }
    if (records.size() != 3) {
      throw new IllegalStateException("the sample file gave " + records.size() + " records");
    }
    return records;
  }

  /** Records of every operation, for the consumer (which has no DMS settings). */
  static List<ChangeRecord> sampleRecords() {
    Map<String, String> env =
        Map.of(
            FunctionEnvironment.STATE_BUCKET, "cdc-priming",
            FunctionEnvironment.STREAM_NAME, "cdc-priming");
    return readSampleFile(FunctionEnvironment.from(env));
  }

  private static byte[] gzip(CharSequence text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
