package io.cdckinesis.benchmarks;

import ch.qos.logback.classic.Level;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalLambdaRuntime;
import io.cdckinesis.local.LocalS3;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Cold start of the functions as Lambda's Java runtime runs them: the deployable jar under the real
 * runtime interface client (a child JVM with Lambda's JVM options, see {@link LocalLambdaRuntime}),
 * over local S3 and Kinesis, each run a new JVM.
 *
 * <ul>
 *   <li><b>on-demand</b>: initialized as an ordinary function (no CRaC hooks, so no priming).
 *   <li><b>primed</b>: initialized as a SnapStart function: the runtime runs the hooks, so the
 *       priming runs before the "checkpoint"; then {@code /restore/next} is answered at once and
 *       the same JVM goes on. What Lambda restores is a snapshot of that primed JVM: the first
 *       invocation here is what a restored function's first invocation runs, without the restore.
 * </ul>
 *
 * <p>It prints, per function and mode, the median over the runs of the init time (JVM start to the
 * runtime asking for its first event, or for the restore), the first invocation and the second. The
 * SnapStart restore itself (loading the snapshot) is not measured: no snapshot is taken here.
 *
 * <p>Run: {@code tools/cold-start-benchmark [runs] [rows]} (defaults 3 and 100).
 */
public final class ColdStartBenchmark {

  private static final String ARN =
      "arn:aws:lambda:us-east-1:000000000000:function:local-function:live";
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private ColdStartBenchmark() {}

  record Run(Duration init, Duration first, Duration second) {}

  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path jar = Path.of(args.length > 2 ? args[2] : "cdc-lambda-adapters/target/cdc-lambda.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build cdc-lambda-adapters first");
    }
    List<Path> runtime = runtimeClasspath();
    System.out.printf(
        Locale.ROOT,
        "cold start under %s, Java %s, %d runs each, events of %d rows, %d cores%n",
        runtime.get(0).getFileName(),
        System.getProperty("java.version"),
        runs,
        rows,
        Runtime.getRuntime().availableProcessors());

    try (LocalS3 s3 = LocalS3.inMemory();
        LocalKinesis kinesis = LocalKinesis.start()) {
      s3.createBucket("dms");
      s3.createBucket("state");
      kinesis.createStream("changes", 1);
      Map<String, String> base = new HashMap<>();
      base.put("AWS_ACCESS_KEY_ID", LocalCredentials.ACCESS_KEY);
      base.put("AWS_SECRET_ACCESS_KEY", LocalCredentials.SECRET_KEY);
      base.put("AWS_REGION", LocalCredentials.REGION.id());
      base.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
      base.put("AWS_ENDPOINT_URL_KINESIS", kinesis.endpoint().toString());
      base.put("CDC_STATE_BUCKET", "state");

      Map<String, List<Run>> results = new java.util.LinkedHashMap<>();
      int file = 0;
      for (boolean primed : List.of(false, true)) {
        String mode = primed ? "primed" : "on-demand";
        for (int run = 0; run < runs; run++) {
          // Every invocation sends a new table: nothing is skipped as already sent.
          String first = "dbo/t" + (++file) + "/LOAD00000001.csv";
          String second = "dbo/t" + (++file) + "/LOAD00000001.csv";
          for (String key : List.of(first, second)) {
            s3.client().putObject(b -> b.bucket("dms").key(key), RequestBody.fromString(csv(rows)));
          }
          Map<String, String> env = new HashMap<>(base);
          env.put("CDC_STREAM_NAME", "changes");
          env.put("CDC_DMS_SETTINGS", "{\"AddColumnName\":true,\"IncludeOpForFullLoad\":true}");
          results
              .computeIfAbsent("producer " + mode, k -> new ArrayList<>())
              .add(
                  measure(
                      jar,
                      "io.cdckinesis.lambda.S3ToKinesisHandler::handleRequest",
                      runtime,
                      env,
                      primed,
                      s3Event(first),
                      s3Event(second)));
        }
      }
      List<String> batches = kinesisEvents(kinesis, Math.min(rows, 100));
      for (boolean primed : List.of(false, true)) {
        String mode = primed ? "primed" : "on-demand";
        for (int run = 0; run < runs; run++) {
          results
              .computeIfAbsent("consumer " + mode, k -> new ArrayList<>())
              .add(
                  measure(
                      jar,
                      "io.cdckinesis.lambda.KinesisChangeHandler::handleRequest",
                      runtime,
                      base,
                      primed,
                      batches.get(0),
                      batches.get(1)));
        }
      }
      print(results);
    }
  }

  private static Run measure(
      Path jar,
      String handler,
      List<Path> runtime,
      Map<String, String> env,
      boolean primed,
      String first,
      String second)
      throws InterruptedException, java.io.IOException {
    try (LocalLambdaRuntime function =
        LocalLambdaRuntime.start(jar, handler, runtime, env, List.of("-Xmx512m"), primed)) {
      Duration init = function.awaitInit(TIMEOUT);
      LocalLambdaRuntime.Invocation a = function.invoke("r1", first, ARN, TIMEOUT);
      LocalLambdaRuntime.Invocation b = function.invoke("r2", second, ARN, TIMEOUT);
      if (a.error() || b.error() || (primed && !function.output().contains("primed for"))) {
        throw new IllegalStateException("the function failed:\n" + function.output());
      }
      String keep = System.getProperty("cdc.bench.output"); // a folder for the functions' logs
      if (keep != null) {
        Files.writeString(
            Path.of(keep, handler.replaceAll("\\W", "_") + "-" + System.nanoTime() + ".log"),
            function.output());
      }
      return new Run(init, a.duration(), b.duration());
    }
  }

  private static void print(Map<String, List<Run>> results) {
    System.out.printf(
        Locale.ROOT,
        "%-20s %12s %18s %19s%n",
        "median of the runs",
        "init",
        "first invocation",
        "second invocation");
    Map<String, long[]> medians = new HashMap<>();
    results.forEach(
        (name, runs) -> {
          long init = median(runs.stream().map(Run::init).toList());
          long first = median(runs.stream().map(Run::first).toList());
          long second = median(runs.stream().map(Run::second).toList());
          medians.put(name, new long[] {init, first, second});
          System.out.printf(
              Locale.ROOT, "%-20s %9d ms %15d ms %16d ms%n", name, init, first, second);
        });
    for (String function : List.of("producer", "consumer")) {
      long[] cold = medians.get(function + " on-demand");
      long[] primed = medians.get(function + " primed");
      System.out.printf(
          Locale.ROOT,
          "%s: first invocation %d ms on-demand, %d ms primed (%.1fx); its cold part (first minus"
              + " second invocation) %d ms vs %d ms (%.1fx); priming adds %d ms to the init%n",
          function,
          cold[1],
          primed[1],
          cold[1] / (double) Math.max(1, primed[1]),
          cold[1] - cold[2],
          primed[1] - primed[2],
          (cold[1] - cold[2]) / (double) Math.max(1, primed[1] - primed[2]),
          primed[0] - cold[0]);
    }
    System.out.println(
        "The SnapStart restore itself (loading the snapshot) is not measured here: no snapshot is"
            + " taken.");
  }

  private static long median(List<Duration> values) {
    List<Long> ms = new ArrayList<>(values.stream().map(Duration::toMillis).sorted().toList());
    return ms.get(ms.size() / 2);
  }

  private static String csv(int rows) {
    StringBuilder b = new StringBuilder("Op,id,name,amount\n");
    for (int id = 1; id <= rows; id++) {
      b.append("I,")
          .append(id)
          .append(",name ")
          .append(id)
          .append(',')
          .append(id % 997)
          .append(".50\n");
    }
    return b.toString();
  }

  private static String s3Event(String key) {
    return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":"
        + "\"us-east-1\",\"eventTime\":\"2026-01-01T00:00:00.000Z\",\"eventName\":"
        + "\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":"
        + "\"dms\",\"arn\":\"arn:aws:s3:::dms\"},\"object\":{\"key\":\""
        + key
        + "\",\"size\":1}}}]}";
  }

  /** Two Kinesis events of {@code size} records each, from what the producer runs wrote. */
  private static List<String> kinesisEvents(LocalKinesis kinesis, int size) {
    List<Record> all = new ArrayList<>();
    String shard = null;
    for (Map.Entry<Shard, List<Record>> e : kinesis.readAll("changes").entrySet()) {
      shard = e.getKey().shardId();
      all.addAll(e.getValue());
    }
    List<String> events = new ArrayList<>();
    for (int batch = 0; batch < 2; batch++) {
      List<String> records = new ArrayList<>();
      for (Record r : all.subList(batch * size, (batch + 1) * size)) {
        records.add(
            "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\""
                + r.partitionKey().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"sequenceNumber\":\""
                + r.sequenceNumber()
                + "\",\"data\":\""
                + Base64.getEncoder().encodeToString(r.data().asByteArray())
                + "\",\"approximateArrivalTimestamp\":1767225600.0},\"eventSource\":\"aws:kinesis\","
                + "\"eventVersion\":\"1.0\",\"eventID\":\""
                + shard
                + ":"
                + r.sequenceNumber()
                + "\",\"eventName\":\"aws:kinesis:record\",\"awsRegion\":\"us-east-1\","
                + "\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/changes\"}");
      }
      events.add("{\"Records\":[" + String.join(",", records) + "]}");
    }
    return events;
  }

  /** Lambda's runtime interface client and the jars it needs, from this class path. */
  private static List<Path> runtimeClasspath() {
    List<Path> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (name.startsWith("aws-lambda-java-runtime-interface-client-")) {
        jars.add(0, Path.of(entry));
      } else if (name.startsWith("aws-lambda-java-core-")
          || name.startsWith("aws-lambda-java-serialization-")
          || name.startsWith("utils-lite-")) {
        jars.add(Path.of(entry));
      }
    }
    if (jars.size() != 4) {
      throw new IllegalStateException("the runtime interface client is not on the class path");
    }
    return jars;
  }
}
