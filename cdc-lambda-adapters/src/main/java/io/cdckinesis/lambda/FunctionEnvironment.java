package io.cdckinesis.lambda;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.spi.LoggingTableHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Every environment variable the two functions read, parsed and validated once per container.
 * Problems are collected and reported together, naming each variable.
 *
 * <p>Each variable is declared once, below: its name, which function reads it, its default, what it
 * means and how its text is parsed. {@link #variables()} lists the declarations in order (the
 * README's configuration table is checked against it by a test). To add a variable, add a name
 * constant and a {@code declare(...)} next to the others, and an accessor.
 */
public final class FunctionEnvironment {

  /** Which function reads a variable. */
  public enum Use {
    PRODUCER,
    CONSUMER,
    BOTH;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Turns a variable's (trimmed, non-blank) text into its value. */
  @FunctionalInterface
  interface Parser<T> {
    /**
     * @throws ConfigurationException naming the variable, when the text is invalid
     */
    T parse(String name, String text);
  }

  /**
   * One environment variable, as declared here.
   *
   * @param <T> the type of its value
   */
  public static final class Variable<T> {
    private final String name;
    private final Use use;
    private final boolean required;
    private final T defaultValue;
    private final String defaultText;
    private final boolean literalDefault;
    private final String meaning;
    private final Parser<T> parser;

    private Variable(
        String name,
        Use use,
        boolean required,
        T defaultValue,
        String defaultText,
        boolean literalDefault,
        String meaning,
        Parser<T> parser) {
      this.name = name;
      this.use = use;
      this.required = required;
      this.defaultValue = defaultValue;
      this.defaultText = defaultText;
      this.literalDefault = literalDefault;
      this.meaning = meaning;
      this.parser = parser;
    }

    /** The variable's name, e.g. {@code CDC_STREAM_NAME}. */
    public String name() {
      return name;
    }

    /** The function that reads it. */
    public Use use() {
      return use;
    }

    /** True when the function that reads it cannot start without it. */
    public boolean required() {
      return required;
    }

    /**
     * The default, as documentation shows it: a literal value, or a description such as {@code
     * required}, {@code none} or {@code DMS defaults}; see {@link #defaultIsLiteral()}.
     */
    public String defaultText() {
      return defaultText;
    }

    /** True when {@link #defaultText()} is a literal value (a number, a prefix, a class name). */
    public boolean defaultIsLiteral() {
      return literalDefault;
    }

    /** What the variable is for, in a sentence fragment. */
    public String meaning() {
      return meaning;
    }

    /** The value of a (trimmed, non-blank) text; throws ConfigurationException naming this. */
    T parse(String text) {
      return parser.parse(name, text);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Variable<?>> DECLARED = new ArrayList<>();

  // ---- The variables, in documentation order. ----

  public static final String STREAM_NAME = "CDC_STREAM_NAME";
  private static final Variable<String> STREAM =
      declare(required(STREAM_NAME, Use.PRODUCER, "the Kinesis stream", Parsers::text));

  public static final String STATE_BUCKET = "CDC_STATE_BUCKET";
  private static final Variable<String> STATE =
      declare(
          required(
              STATE_BUCKET,
              Use.BOTH,
              "bucket for checkpoints, rejects, oversize payloads, dead letters",
              Parsers::text));

  public static final String DMS_SETTINGS = "CDC_DMS_SETTINGS";
  private static final Variable<DmsCsvSettings> SETTINGS =
      declare(
          described(
              DMS_SETTINGS,
              Use.BOTH,
              DmsCsvSettings.defaults(),
              "DMS defaults",
              false,
              "the S3 target endpoint's settings as JSON (`aws dms describe-endpoints` output or"
                  + " the `S3Settings` object)",
              (name, text) -> DmsCsvSettings.fromJson(text, name)));

  public static final String TABLES = "CDC_TABLES";
  private static final Variable<TableDefinitions> TABLE_DEFINITIONS =
      declare(
          described(
              TABLES,
              Use.BOTH,
              TableDefinitions.empty(),
              "none",
              false,
              "table definitions JSON: `{\"dbo.T\": {\"columns\": [...], \"primaryKey\": [...],"
                  + " \"types\": {\"col\": \"DECIMAL(10,2)\"}}}`; columns are needed when files"
                  + " have no header; types make values typed",
              (name, text) -> TableDefinitions.fromJson(text, name)));

  public static final String AGGREGATE = "CDC_AGGREGATE";
  private static final Variable<Boolean> AGGREGATION =
      declare(
          optional(AGGREGATE, Use.PRODUCER, false, "KPL aggregation on the stream", Parsers::bool));

  public static final String STATE_PREFIX = "CDC_STATE_PREFIX";
  private static final Variable<String> STATES =
      declare(
          prefix(
              STATE_PREFIX,
              Use.PRODUCER,
              "_cdc/state/",
              "table states (lease, load generation, progress); the store cleans up after itself:"
                  + " set no expiry rule on it"));

  public static final String DMS_BUCKET = "CDC_DMS_BUCKET";
  private static final Variable<String> DMS_BUCKET_NAME =
      declare(
          described(
              DMS_BUCKET,
              Use.PRODUCER,
              null,
              "none",
              false,
              "the bucket DMS writes to: the sweep (`SweepHandler`) lists its tables; required"
                  + " by the sweep",
              Parsers::text));

  public static final String REJECTS_PREFIX = "CDC_REJECTS_PREFIX";
  private static final Variable<String> REJECTS =
      declare(
          prefix(
              REJECTS_PREFIX,
              Use.PRODUCER,
              "_cdc/rejects/",
              "rejected rows, JSON lines per source object"));

  public static final String OVERSIZE_PREFIX = "CDC_OVERSIZE_PREFIX";
  private static final Variable<String> OVERSIZE =
      declare(
          prefix(
              OVERSIZE_PREFIX,
              Use.BOTH,
              "_cdc/oversize/",
              "rows over the record limit (claim check)"));

  public static final String DEAD_LETTER_PREFIX = "CDC_DEAD_LETTER_PREFIX";
  private static final Variable<String> DEAD_LETTERS =
      declare(
          prefix(
              DEAD_LETTER_PREFIX,
              Use.CONSUMER,
              "_cdc/dead-letter/",
              "records the consumer gave up on"));

  public static final String CHECKPOINT_EVERY_ROWS = "CDC_CHECKPOINT_EVERY_ROWS";
  private static final Variable<Integer> CHECKPOINT_ROWS =
      declare(
          optional(
              CHECKPOINT_EVERY_ROWS,
              Use.PRODUCER,
              5_000,
              "rows between checkpoints: a crash resends at most this many",
              Parsers.integer(1, 10_000_000)));

  public static final String LEASE_MS = "CDC_LEASE_MS";
  private static final Variable<Duration> LEASE =
      declare(
          millis(
              LEASE_MS,
              Use.PRODUCER,
              120_000,
              "how long a claim on a table lasts without renewal; a writer stops a quarter of it before its end",
              1_000,
              3_600_000));

  public static final String TIME_RESERVE_MS = "CDC_TIME_RESERVE_MS";
  private static final Variable<Duration> TIME_RESERVE =
      declare(
          millis(
              TIME_RESERVE_MS,
              Use.PRODUCER,
              60_000,
              "with less time left, checkpoint and continue in a new invocation",
              1_000,
              600_000));

  public static final String MAX_BATCH_RECORDS = "CDC_MAX_BATCH_RECORDS";
  private static final Variable<Integer> BATCH_RECORDS =
      declare(
          optional(
              MAX_BATCH_RECORDS,
              Use.PRODUCER,
              500,
              "entries per PutRecords call",
              Parsers.integer(1, 500)));

  public static final String MAX_REQUEST_BYTES = "CDC_MAX_REQUEST_BYTES";
  private static final Variable<Long> REQUEST_BYTES =
      declare(
          optional(
              MAX_REQUEST_BYTES,
              Use.PRODUCER,
              5L << 20,
              "bytes per PutRecords call",
              Parsers.wholeNumber(1024, 64L << 20)));

  public static final String MAX_RECORD_BYTES = "CDC_MAX_RECORD_BYTES";
  private static final Variable<Long> RECORD_BYTES =
      declare(
          optional(
              MAX_RECORD_BYTES,
              Use.PRODUCER,
              1L << 20,
              "bytes per record including the partition key (newer streams allow up to 10 MiB)",
              Parsers.wholeNumber(4096, 10L << 20)));

  public static final String MAX_PUT_ATTEMPTS = "CDC_MAX_PUT_ATTEMPTS";
  private static final Variable<Integer> PUT_ATTEMPTS =
      declare(
          optional(
              MAX_PUT_ATTEMPTS,
              Use.PRODUCER,
              10,
              "attempts per entry before the invocation fails (and is retried from its checkpoint)",
              Parsers.integer(1, 100)));

  public static final String TABLE_HANDLERS = "CDC_TABLE_HANDLERS";
  private static final Variable<String> HANDLER_SPEC =
      declare(
          described(
              TABLE_HANDLERS,
              Use.CONSUMER,
              null,
              "none",
              false,
              "`schema.table=ClassName,...`",
              Parsers::text));

  public static final String DEFAULT_HANDLER = "CDC_DEFAULT_HANDLER";
  private static final Variable<String> DEFAULT_HANDLER_CLASS =
      declare(
          described(
              DEFAULT_HANDLER,
              Use.CONSUMER,
              null,
              LoggingTableHandler.class.getName(),
              true,
              "handler class for other tables",
              Parsers::text));

  public static final String HANDLER_ATTEMPTS_PER_INVOCATION =
      "CDC_HANDLER_ATTEMPTS_PER_INVOCATION";
  private static final Variable<Integer> HANDLER_ATTEMPTS =
      declare(
          optional(
              HANDLER_ATTEMPTS_PER_INVOCATION,
              Use.CONSUMER,
              3,
              "handler attempts at one change within one invocation, with backoff; then the shard"
                  + " stops there and Lambda retries it (the event source mapping's retry"
                  + " settings): a failure that may be transient is never dead-lettered",
              Parsers.integer(1, 100)));

  public static final String POSITIONS_TABLE = "CDC_POSITIONS_TABLE";
  private static final Variable<String> POSITIONS =
      declare(
          described(
              POSITIONS_TABLE,
              Use.CONSUMER,
              null,
              "none",
              false,
              "DynamoDB table of applied positions (exactly-once effect across containers);"
                  + " unset: in memory, a single-container convenience",
              Parsers::text));

  public static final String S3_PATH_STYLE = "CDC_S3_PATH_STYLE";
  private static final Variable<Boolean> PATH_STYLE =
      declare(
          described(
              S3_PATH_STYLE,
              Use.BOTH,
              null,
              "`true` with a custom S3 endpoint, else `false`",
              false,
              "path-style S3 requests (`http://host/bucket/key`); a custom endpoint comes from the"
                  + " SDK's `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`",
              Parsers::bool));

  // ---- End of the variables. ----

  /** Every variable name, in declaration order. */
  public static final List<String> NAMES =
      DECLARED.stream().map(Variable::name).collect(Collectors.toUnmodifiableList());

  private final Map<Variable<?>, Object> values;

  private FunctionEnvironment(Map<Variable<?>, Object> values) {
    this.values = values;
  }

  /** The declared variables, in documentation order. */
  public static List<Variable<?>> variables() {
    return Collections.unmodifiableList(DECLARED);
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
    Map<Variable<?>, Object> values = new IdentityHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Variable<?> v : DECLARED) {
      String text = env.get(v.name);
      Object value = v.defaultValue;
      if (text != null && !text.isBlank()) {
        try {
          value = v.parse(text.trim());
        } catch (ConfigurationException e) {
          problems.add(e.getMessage());
        }
      } else if (v.required && v.use == Use.BOTH) {
        problems.add(v.name + " is required (" + v.meaning + ")");
      }
      values.put(v, value);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(
          "invalid function configuration: " + String.join("; ", problems));
    }
    return new FunctionEnvironment(values);
  }

  /** Checks what the producer needs beyond the common variables. */
  public FunctionEnvironment requireProducer() {
    List<String> missing = new ArrayList<>();
    for (Variable<?> v : DECLARED) {
      if (v.required && v.use == Use.PRODUCER && values.get(v) == null) {
        missing.add(v.name);
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigurationException(
          String.join(", ", missing) + " is required by the producer function");
    }
    return this;
  }

  @SuppressWarnings("unchecked")
  <T> T get(Variable<T> variable) {
    return (T) values.get(variable);
  }

  /** {@value #STREAM_NAME}: the Kinesis stream (producer; required there), or null. */
  public String streamName() {
    return get(STREAM);
  }

  /** {@value #DMS_SETTINGS}: the DMS S3 endpoint settings; DMS defaults when unset. */
  public DmsCsvSettings dmsSettings() {
    return get(SETTINGS);
  }

  /** {@value #TABLES}: the table definitions (empty when unset). */
  public TableDefinitions tables() {
    return get(TABLE_DEFINITIONS);
  }

  /** {@value #AGGREGATE}: KPL aggregation on the stream. */
  public boolean aggregate() {
    return get(AGGREGATION);
  }

  /** {@value #STATE_BUCKET}: the bucket for checkpoints, rejects, payloads and dead letters. */
  public String stateBucket() {
    return get(STATE);
  }

  /** {@value #STATE_PREFIX}, ending in {@code /}. */
  public String statePrefix() {
    return get(STATES);
  }

  /** {@value #DMS_BUCKET}: the bucket the sweep lists, or null. */
  public String dmsBucket() {
    return get(DMS_BUCKET_NAME);
  }

  /** {@value #REJECTS_PREFIX}, ending in {@code /}. */
  public String rejectsPrefix() {
    return get(REJECTS);
  }

  /** {@value #OVERSIZE_PREFIX}, ending in {@code /}. */
  public String oversizePrefix() {
    return get(OVERSIZE);
  }

  /** {@value #DEAD_LETTER_PREFIX}, ending in {@code /}. */
  public String deadLetterPrefix() {
    return get(DEAD_LETTERS);
  }

  /** {@value #TIME_RESERVE_MS}: with less time left, the producer continues in a new call. */
  public Duration timeReserve() {
    return get(TIME_RESERVE);
  }

  /** {@value #CHECKPOINT_EVERY_ROWS}: rows between checkpoints. */
  public int checkpointEveryRows() {
    return get(CHECKPOINT_ROWS);
  }

  /** {@value #LEASE_MS}: how long a claim on an object or a table lasts without renewal. */
  public Duration lease() {
    return get(LEASE);
  }

  /** {@value #MAX_BATCH_RECORDS}: PutRecords entries per call. */
  public int maxBatchRecords() {
    return get(BATCH_RECORDS);
  }

  /** {@value #MAX_REQUEST_BYTES}: bytes per PutRecords call. */
  public long maxRequestBytes() {
    return get(REQUEST_BYTES);
  }

  /** {@value #MAX_RECORD_BYTES}: bytes per record including the partition key. */
  public long maxRecordBytes() {
    return get(RECORD_BYTES);
  }

  /** {@value #MAX_PUT_ATTEMPTS}: attempts per entry before failing. */
  public int maxPutAttempts() {
    return get(PUT_ATTEMPTS);
  }

  /** {@value #TABLE_HANDLERS}: {@code schema.table=ClassName,...}, or null. */
  public String tableHandlers() {
    return get(HANDLER_SPEC);
  }

  /** {@value #DEFAULT_HANDLER}: the handler class for other tables, or null for the logging one. */
  public String defaultHandler() {
    return get(DEFAULT_HANDLER_CLASS);
  }

  /** {@value #HANDLER_ATTEMPTS_PER_INVOCATION}: handler attempts at a change per invocation. */
  public int handlerAttemptsPerInvocation() {
    return get(HANDLER_ATTEMPTS);
  }

  /** {@value #POSITIONS_TABLE}: the DynamoDB table of applied positions, or null (in memory). */
  public String positionsTable() {
    return get(POSITIONS);
  }

  /**
   * {@value #S3_PATH_STYLE}: whether the functions' S3 client addresses buckets in the path, or
   * null to decide by the endpoint (path-style for a custom one).
   */
  public Boolean s3PathStyle() {
    return get(PATH_STYLE);
  }

  @Override
  public String toString() {
    // Names and values of the settings only: nothing here is a secret or a row value.
    StringBuilder s = new StringBuilder("FunctionEnvironment[");
    for (Variable<?> v : DECLARED) {
      if (s.charAt(s.length() - 1) != '[') {
        s.append(", ");
      }
      s.append(v.name).append('=').append(values.get(v));
    }
    return s.append(']').toString();
  }

  // ---- Declaration helpers. ----

  private static <T> Variable<T> declare(Variable<T> v) {
    for (Variable<?> d : DECLARED) {
      if (d.name.equals(v.name)) {
        throw new IllegalStateException(v.name + " is declared twice");
      }
    }
    DECLARED.add(v);
    return v;
  }

  private static <T> Variable<T> required(String name, Use use, String meaning, Parser<T> p) {
    return new Variable<>(name, use, true, null, "required", false, meaning, p);
  }

  private static <T> Variable<T> optional(
      String name, Use use, T dflt, String meaning, Parser<T> p) {
    return new Variable<>(
        name, use, false, Objects.requireNonNull(dflt), dflt.toString(), true, meaning, p);
  }

  /** A variable whose default value is shown as {@code defaultText} (a description or literal). */
  private static <T> Variable<T> described(
      String name,
      Use use,
      T dflt,
      String defaultText,
      boolean literal,
      String meaning,
      Parser<T> p) {
    return new Variable<>(name, use, false, dflt, defaultText, literal, meaning, p);
  }

  private static Variable<String> prefix(String name, Use use, String dflt, String meaning) {
    return optional(name, use, dflt, meaning, Parsers::prefix);
  }

  private static Variable<Duration> millis(
      String name, Use use, long dflt, String meaning, long min, long max) {
    Parser<Long> ms = Parsers.wholeNumber(min, max);
    return new Variable<>(
        name,
        use,
        false,
        Duration.ofMillis(dflt),
        Long.toString(dflt),
        true,
        meaning,
        (n, text) -> Duration.ofMillis(ms.parse(n, text)));
  }

  /** How variable texts become values; each problem names the variable. */
  private static final class Parsers {
    private Parsers() {}

    static String text(String name, String text) {
      return text;
    }

    static String prefix(String name, String text) {
      String v = text;
      while (v.startsWith("/")) {
        v = v.substring(1);
      }
      return v.isEmpty() || v.endsWith("/") ? v : v + "/";
    }

    static boolean bool(String name, String text) {
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text);
      }
      throw new ConfigurationException(name + " must be true or false");
    }

    static Parser<Long> wholeNumber(long min, long max) {
      return (name, text) -> {
        long n;
        try {
          n = Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new ConfigurationException(name + " must be a whole number");
        }
        if (n < min || n > max) {
          throw new ConfigurationException(name + " must be between " + min + " and " + max);
        }
        return n;
      };
    }

    static Parser<Integer> integer(int min, int max) {
      Parser<Long> n = wholeNumber(min, max);
      return (name, text) -> n.parse(name, text).intValue();
    }
  }
}
