package io.cdckinesis.simulation;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Families of schedules: which faults and operator actions a seed may draw (each one with some
 * probability) and which it always gets. {@link #FULL} is everything; the targeted profiles aim at
 * one situation of issue 9 or 10 each, so that a bug there shows within a few seeds.
 */
public enum Profile {

  /**
   * The everyday faults: service errors with the SDK's retries, throttling and partial failures,
   * broken downloads, duplicated and late events, cold consumer containers, reshards.
   */
  BASELINE(
      EnumSet.of(
          Fault.S3_ERROR,
          Fault.BROKEN_DOWNLOAD,
          Fault.KINESIS_THROTTLE,
          Fault.KINESIS_PARTIAL_FAILURE,
          Fault.KINESIS_CALL_ERROR,
          Fault.KINESIS_TIMEOUT_AFTER_WRITE,
          Fault.EVENT_DUPLICATE,
          Fault.EVENT_DELAYED,
          Fault.FRESH_CONTAINER),
      EnumSet.of(Action.RESHARD),
      Set.of(),
      Set.of()),

  /**
   * Every fault and every action, each drawn for a seed with some probability: the schedules {@code
   * mvn verify} explores.
   */
  FULL(EnumSet.allOf(Fault.class), EnumSet.allOf(Action.class), Set.of(), Set.of()),

  /** Producer crashes at any step while change files arrive during and after the full load. */
  PRODUCER_CRASH(
      EnumSet.of(Fault.PRODUCER_CRASH, Fault.EVENT_DELAYED, Fault.EVENT_DUPLICATE),
      EnumSet.noneOf(Action.class),
      Set.of("PRODUCER_CRASH"),
      Set.of()),

  /** S3 events lost (created and removed); only the sweep can find the files. */
  LOST_EVENTS(
      EnumSet.of(Fault.EVENT_LOST, Fault.EVENT_DELAYED),
      EnumSet.noneOf(Action.class),
      Set.of("EVENT_LOST"),
      Set.of()),

  /** A table reloaded with DROP_AND_CREATE: its objects deleted, the full load written again. */
  RELOAD(
      EnumSet.of(Fault.EVENT_DELAYED),
      EnumSet.of(Action.RELOAD_DROP_AND_CREATE),
      Set.of("RELOAD_DROP_AND_CREATE"),
      Set.of()),

  /** A table reloaded with DO_NOTHING: LOAD00000001.csv overwritten in place. */
  RELOAD_IN_PLACE(
      EnumSet.of(Fault.EVENT_DELAYED),
      EnumSet.of(Action.RELOAD_IN_PLACE),
      Set.of("RELOAD_IN_PLACE"),
      Set.of()),

  /** A full-load object overwritten while the producer reads it, with or without a crash. */
  OVERWRITE(
      EnumSet.of(Fault.PRODUCER_CRASH, Fault.BROKEN_DOWNLOAD),
      EnumSet.of(Action.OVERWRITE_WHILE_READING),
      Set.of("OVERWRITE_WHILE_READING"),
      Set.of()),

  /** A source TRUNCATE: DMS deletes the table's folder, later changes follow. */
  TRUNCATE(EnumSet.noneOf(Fault.class), EnumSet.of(Action.TRUNCATE), Set.of("TRUNCATE"), Set.of()),

  /**
   * An operator deletes a table's state (at any moment, also while it is being sent); the table
   * must be sent again as a new generation.
   */
  STATE_DELETED(
      EnumSet.noneOf(Fault.class),
      EnumSet.of(Action.DELETE_STATE),
      Set.of("DELETE_STATE"),
      Set.of()),

  /**
   * Invocations run out of time mid-file and continue in a self-invoke that may never arrive; the
   * sweep must find what they leave.
   */
  LOST_CONTINUATION(
      EnumSet.of(Fault.CONTINUATION_LOST),
      EnumSet.noneOf(Action.class),
      Set.of("CONTINUATION_LOST"),
      Set.of(Option.SHORT_TIMEOUTS, Option.BIG_LOAD)),

  /**
   * Producer invocations stall past their lease (GC pause, slow flush) while others take over the
   * table; consumed with the durable position table on changing containers.
   */
  STALE_WRITER(
      EnumSet.of(Fault.STALL, Fault.KINESIS_THROTTLE, Fault.EVENT_DUPLICATE, Fault.FRESH_CONTAINER),
      EnumSet.noneOf(Action.class),
      Set.of("STALL", "EVENT_DUPLICATE", "FRESH_CONTAINER"),
      Set.of()),

  /**
   * SplitShard mid-run with KPL aggregation, consumed with the in-memory position store per
   * container (the children run in two containers at once): only dropping the sub-records outside a
   * shard's range keeps a misrouted aggregate from being applied twice; a durable position table
   * would hide the damage.
   */
  RESHARD_AGGREGATED(
      EnumSet.noneOf(Fault.class),
      EnumSet.of(Action.RESHARD),
      Set.of("RESHARD"),
      Set.of(Option.AGGREGATE, Option.MEMORY_POSITIONS, Option.BIG_LOAD, Option.EARLY_RESHARD)),

  /** Consumer crashes and redelivery to fresh containers (issue 10). */
  CONSUMER_RESTART(
      EnumSet.of(Fault.CONSUMER_CRASH, Fault.FRESH_CONTAINER),
      EnumSet.noneOf(Action.class),
      Set.of("CONSUMER_CRASH"),
      Set.of());

  /** How a profile's deployment differs from the default one. */
  public enum Option {
    /** KPL aggregation always on (otherwise one schedule in three). */
    AGGREGATE,
    /** Producer invocations get a few seconds only, so that files continue elsewhere. */
    SHORT_TIMEOUTS,
    /**
     * The consumer keeps applied positions in memory per container (the default without {@code
     * CDC_POSITIONS_TABLE}) instead of the durable position table.
     */
    MEMORY_POSITIONS,
    /** Full loads of 30 to 60 rows per table, sent in many small PutRecords calls. */
    BIG_LOAD,
    /**
     * A reshard while the full load is being sent, and a consumer that starts late (a backlog, so
     * that the two children of the split shard are read at once).
     */
    EARLY_RESHARD
  }

  private final Set<Fault> faults;
  private final Set<Action> actions;
  private final Set<String> forced;
  private final Set<Option> options;

  Profile(Set<Fault> faults, Set<Action> actions, Set<String> forced, Set<Option> options) {
    this.faults = faults;
    this.actions = actions;
    this.forced = forced;
    this.options = options;
  }

  public Set<Fault> faults() {
    return faults;
  }

  public Set<Action> actions() {
    return actions;
  }

  /** Names of the faults and actions every schedule of the profile gets. */
  public Set<String> forced() {
    return forced;
  }

  public boolean has(Option option) {
    return options.contains(option);
  }

  /** The scenario of a seed. */
  public Scenario scenario(long seed) {
    return Scenario.generate(seed, this);
  }

  /** The profile named (any case, {@code -} or {@code _}). */
  public static Profile named(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** The name as the command line takes it, e.g. {@code stale-writer}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
