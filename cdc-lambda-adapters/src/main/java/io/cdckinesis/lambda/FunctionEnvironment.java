package io.cdckinesis.lambda;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every environment variable the two functions read, in one place, parsed and validated once per
 * container. Problems are collected and reported together, naming each variable.
 *
 * @param streamName {@value #STREAM_NAME}: the Kinesis stream (producer; required there)
 * @param dmsSettings {@value #DMS_SETTINGS}: the DMS S3 endpoint settings as JSON (the S3Settings
 *     object or {@code describe-endpoints} output); DMS defaults when unset
 * @param tables {@value #TABLES}: table definitions JSON (columns, primaryKey, types)
 * @param aggregate {@value #AGGREGATE}: KPL aggregation on the stream (default false)
 * @param stateBucket {@value #STATE_BUCKET}: bucket for checkpoints, rejects, oversize payloads and
 *     dead letters (required)
 * @param checkpointPrefix {@value #CHECKPOINT_PREFIX} (default {@code _cdc/checkpoints/})
 * @param rejectsPrefix {@value #REJECTS_PREFIX} (default {@code _cdc/rejects/})
 * @param oversizePrefix {@value #OVERSIZE_PREFIX} (default {@code _cdc/oversize/})
 * @param deadLetterPrefix {@value #DEAD_LETTER_PREFIX} (default {@code _cdc/dead-letter/})
 * @param timeReserve {@value #TIME_RESERVE_MS}: when less time than this remains, the producer
 *     checkpoints and continues the file in a new invocation (default 60000)
 * @param checkpointEveryRows {@value #CHECKPOINT_EVERY_ROWS}: rows between checkpoints (default
 *     5000); a crash resends at most this many rows
 * @param lease {@value #LEASE_MS}: how long a producer's claim on an object or a table lasts
 *     without renewal (default 120000); a crashed producer blocks others this long at most
 * @param orderPoll {@value #ORDER_POLL_MS}: how often a change file waiting for its table's turn
 *     checks again (default 1000)
 * @param maxBatchRecords {@value #MAX_BATCH_RECORDS}: PutRecords entries per call (default 500)
 * @param maxRequestBytes {@value #MAX_REQUEST_BYTES}: bytes per PutRecords call (default 5 MiB)
 * @param maxRecordBytes {@value #MAX_RECORD_BYTES}: bytes per record incl. key (default 1 MiB)
 * @param maxPutAttempts {@value #MAX_PUT_ATTEMPTS}: attempts per entry before failing (default 10)
 * @param tableHandlers {@value #TABLE_HANDLERS}: {@code schema.table=ClassName,...} (consumer)
 * @param defaultHandler {@value #DEFAULT_HANDLER}: handler class for other tables (consumer;
 *     default {@link LoggingTableHandler})
 * @param handlerAttemptsPerInvocation {@value #HANDLER_ATTEMPTS_PER_INVOCATION}: handler attempts
 *     at one change within one invocation, with backoff (consumer; default 3); then the shard stops
 *     there and Lambda retries it in later invocations (the event source mapping's retry settings)
 * @param positionsTable {@value #POSITIONS_TABLE}: DynamoDB table of applied positions (consumer;
 *     unset: positions in memory, a single-container convenience)
 */
public record FunctionEnvironment(
    String streamName,
    DmsCsvSettings dmsSettings,
    TableDefinitions tables,
    boolean aggregate,
    String stateBucket,
    String checkpointPrefix,
    String rejectsPrefix,
    String oversizePrefix,
    String deadLetterPrefix,
    Duration timeReserve,
    int checkpointEveryRows,
    Duration lease,
    Duration orderPoll,
    int maxBatchRecords,
    long maxRequestBytes,
    long maxRecordBytes,
    int maxPutAttempts,
    String tableHandlers,
    String defaultHandler,
    int handlerAttemptsPerInvocation,
    String positionsTable) {

  public static final String STREAM_NAME = "CDC_STREAM_NAME";
  public static final String DMS_SETTINGS = "CDC_DMS_SETTINGS";
  public static final String TABLES = "CDC_TABLES";
  public static final String AGGREGATE = "CDC_AGGREGATE";
  public static final String STATE_BUCKET = "CDC_STATE_BUCKET";
  public static final String CHECKPOINT_PREFIX = "CDC_CHECKPOINT_PREFIX";
  public static final String REJECTS_PREFIX = "CDC_REJECTS_PREFIX";
  public static final String OVERSIZE_PREFIX = "CDC_OVERSIZE_PREFIX";
  public static final String DEAD_LETTER_PREFIX = "CDC_DEAD_LETTER_PREFIX";
  public static final String TIME_RESERVE_MS = "CDC_TIME_RESERVE_MS";
  public static final String CHECKPOINT_EVERY_ROWS = "CDC_CHECKPOINT_EVERY_ROWS";
  public static final String LEASE_MS = "CDC_LEASE_MS";
  public static final String ORDER_POLL_MS = "CDC_ORDER_POLL_MS";
  public static final String MAX_BATCH_RECORDS = "CDC_MAX_BATCH_RECORDS";
  public static final String MAX_REQUEST_BYTES = "CDC_MAX_REQUEST_BYTES";
  public static final String MAX_RECORD_BYTES = "CDC_MAX_RECORD_BYTES";
  public static final String MAX_PUT_ATTEMPTS = "CDC_MAX_PUT_ATTEMPTS";
  public static final String TABLE_HANDLERS = "CDC_TABLE_HANDLERS";
  public static final String DEFAULT_HANDLER = "CDC_DEFAULT_HANDLER";
  public static final String HANDLER_ATTEMPTS_PER_INVOCATION =
      "CDC_HANDLER_ATTEMPTS_PER_INVOCATION";
  public static final String POSITIONS_TABLE = "CDC_POSITIONS_TABLE";

  /** Every variable name, for documentation and checks. */
  public static final List<String> NAMES =
      List.of(
          STREAM_NAME,
          DMS_SETTINGS,
          TABLES,
          AGGREGATE,
          STATE_BUCKET,
          CHECKPOINT_PREFIX,
          REJECTS_PREFIX,
          OVERSIZE_PREFIX,
          DEAD_LETTER_PREFIX,
          TIME_RESERVE_MS,
          CHECKPOINT_EVERY_ROWS,
          LEASE_MS,
          ORDER_POLL_MS,
          MAX_BATCH_RECORDS,
          MAX_REQUEST_BYTES,
          MAX_RECORD_BYTES,
          MAX_PUT_ATTEMPTS,
          TABLE_HANDLERS,
          DEFAULT_HANDLER,
          HANDLER_ATTEMPTS_PER_INVOCATION,
          POSITIONS_TABLE);

  public FunctionEnvironment {
    Objects.requireNonNull(dmsSettings, "dmsSettings");
    Objects.requireNonNull(tables, "tables");
  }

  /** Reads the process environment. */
  public static FunctionEnvironment fromSystem() {
    return from(System.getenv());
  }

  /**
   * Reads and validates the variables.
   *
   * @throws ConfigurationException listing every missing or invalid variable
   */
  public static FunctionEnvironment from(Map<String, String> env) {
    Reader r = new Reader(env);
    FunctionEnvironment e =
        new FunctionEnvironment(
            r.text(STREAM_NAME, null),
            r.settings(),
            r.tables(),
            r.bool(AGGREGATE, false),
            r.text(STATE_BUCKET, null),
            r.prefix(CHECKPOINT_PREFIX, "_cdc/checkpoints/"),
            r.prefix(REJECTS_PREFIX, "_cdc/rejects/"),
            r.prefix(OVERSIZE_PREFIX, "_cdc/oversize/"),
            r.prefix(DEAD_LETTER_PREFIX, "_cdc/dead-letter/"),
            Duration.ofMillis(r.number(TIME_RESERVE_MS, 60_000, 1_000, 600_000)),
            (int) r.number(CHECKPOINT_EVERY_ROWS, 5_000, 1, 10_000_000),
            Duration.ofMillis(r.number(LEASE_MS, 120_000, 1_000, 3_600_000)),
            Duration.ofMillis(r.number(ORDER_POLL_MS, 1_000, 50, 60_000)),
            (int) r.number(MAX_BATCH_RECORDS, 500, 1, 500),
            r.number(MAX_REQUEST_BYTES, 5L << 20, 1024, 64L << 20),
            r.number(MAX_RECORD_BYTES, 1L << 20, 4096, 10L << 20),
            (int) r.number(MAX_PUT_ATTEMPTS, 10, 1, 100),
            r.text(TABLE_HANDLERS, null),
            r.text(DEFAULT_HANDLER, null),
            (int) r.number(HANDLER_ATTEMPTS_PER_INVOCATION, 3, 1, 100),
            r.text(POSITIONS_TABLE, null));
    if (e.stateBucket == null) {
      r.problems.add(STATE_BUCKET + " is required (bucket for checkpoints, rejects, payloads)");
    }
    r.throwIfProblems();
    return e;
  }

  /** Checks what the producer needs beyond the common variables. */
  public FunctionEnvironment requireProducer() {
    if (streamName == null) {
      throw new ConfigurationException(STREAM_NAME + " is required by the producer function");
    }
    return this;
  }

  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    String text(String name, String dflt) {
      String v = env.get(name);
      return v == null || v.isBlank() ? dflt : v.trim();
    }

    String prefix(String name, String dflt) {
      String v = text(name, dflt);
      while (v.startsWith("/")) {
        v = v.substring(1);
      }
      return v.isEmpty() || v.endsWith("/") ? v : v + "/";
    }

    boolean bool(String name, boolean dflt) {
      String v = text(name, null);
      if (v == null) {
        return dflt;
      }
      if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(v);
      }
      problems.add(name + " must be true or false");
      return dflt;
    }

    long number(String name, long dflt, long min, long max) {
      String v = text(name, null);
      if (v == null) {
        return dflt;
      }
      try {
        long n = Long.parseLong(v);
        if (n < min || n > max) {
          problems.add(name + " must be between " + min + " and " + max);
          return dflt;
        }
        return n;
      } catch (NumberFormatException e) {
        problems.add(name + " must be a whole number");
        return dflt;
      }
    }

    DmsCsvSettings settings() {
      String v = text(DMS_SETTINGS, null);
      if (v == null) {
        return DmsCsvSettings.defaults();
      }
      try {
        return DmsCsvSettings.fromJson(v, DMS_SETTINGS);
      } catch (ConfigurationException e) {
        problems.add(e.getMessage());
        return DmsCsvSettings.defaults();
      }
    }

    TableDefinitions tables() {
      String v = text(TABLES, null);
      if (v == null) {
        return TableDefinitions.empty();
      }
      try {
        return TableDefinitions.fromJson(v, TABLES);
      } catch (ConfigurationException e) {
        problems.add(e.getMessage());
        return TableDefinitions.empty();
      }
    }

    void throwIfProblems() {
      if (!problems.isEmpty()) {
        throw new ConfigurationException(
            "invalid function configuration: " + String.join("; ", problems));
      }
    }
  }
}
