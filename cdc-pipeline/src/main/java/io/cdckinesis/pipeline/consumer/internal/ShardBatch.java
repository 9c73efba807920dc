package io.cdckinesis.pipeline.consumer.internal;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeException;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.KeepsPositions;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.ShardRanges.HashKeyRange;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.kinesis.KplFormatException;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.pipeline.consumer.RedriveOutcome;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's records of one batch, processed in order: unpacked (aggregates opened, sub-records
 * outside the shard's hash key range dropped), decoded, fenced by the table's load generation and
 * the row's applied position, and handed to the table handlers. Stops at the first record that is
 * not done, so that the shard is retried from there and no later change of a row overtakes it.
 */
public final class ShardBatch {

  private static final Logger LOG = LoggerFactory.getLogger(ShardBatch.class);

  /** A retry's backoff must end this long before the invocation's deadline. */
  private static final Duration TIME_MARGIN = Duration.ofSeconds(1);

  private final ConsumerParts parts;
  private final String shardId;
  private final List<StreamRecord> records;
  private final Supplier<Duration> remaining;
  private final Tally tally;
  private final boolean redrive;

  private final Map<String, SourcePosition> positions = new HashMap<>();
  private final Map<TableId, Long> generations = new HashMap<>();
  private final List<Started> started = new ArrayList<>();
  private Optional<HashKeyRange> range;
  private int stopAt = -1;
  private RedriveOutcome outcome = RedriveOutcome.APPLIED;

  /**
   * @param redrive whether this is a redrive of a dead letter: nothing is dead-lettered again, the
   *     outcome says what happened
   */
  public ShardBatch(
      ConsumerParts parts,
      String shardId,
      List<StreamRecord> records,
      Supplier<Duration> remaining,
      Tally tally,
      boolean redrive) {
    this.parts = parts;
    this.shardId = shardId;
    this.records = records;
    this.remaining = remaining;
    this.tally = tally;
    this.redrive = redrive;
  }

  /** Processes the records; adds counts and the first record not done to the tally. */
  public void run() {
    List<Unit> units = unpack();
    if (prefetch(units)) {
      for (Unit u : units) {
        if (!process(u)) {
          stop(u.index());
          break;
        }
      }
    } else {
      stop(0);
    }
    endBatch();
    if (stopAt >= 0) {
      tally.failed.add(records.get(stopAt).sequenceNumber());
      tally.records += stopAt + 1;
      outcome = RedriveOutcome.NOT_DONE;
    } else {
      tally.records += records.size();
    }
  }

  /** For a redrive: what happened to the (one) change. */
  public RedriveOutcome outcome() {
    return outcome;
  }

  // ---------------------------------------------------------------------------------------------
  // Unpacking and reading ahead

  /** A user record: decoded, or why not. */
  private record Unit(
      int index,
      StreamRecord record,
      long sub,
      byte[] bytes,
      Envelope envelope,
      String rowKey,
      String problem,
      RuntimeException error,
      boolean retryLater) {

    String id() {
      return record.shardId() + '/' + record.sequenceNumber() + '/' + sub;
    }
  }

  private List<Unit> unpack() {
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      StreamRecord r = records.get(i);
      List<DeaggregatedRecord> subs;
      try {
        subs = KplDeaggregator.deaggregate(r.data(), null, null);
      } catch (KplFormatException e) {
        tally.changes++;
        units.add(
            new Unit(
                i, r, 0, r.data(), null, null, "corrupt aggregate: " + e.getMessage(), e, false));
        continue;
      }
      for (DeaggregatedRecord sub : subs) {
        if (sub.aggregated() && !inShardRange(r, sub)) {
          tally.outOfRange++;
          continue;
        }
        tally.changes++;
        units.add(decode(i, r, sub.subSequenceNumber(), sub.data()));
      }
    }
    return units;
  }

  private Unit decode(int index, StreamRecord r, long sub, byte[] bytes) {
    try {
      Envelope e = parts.decoder().decode(bytes);
      String rowKey =
          e instanceof Envelope.Data d && !keepsPositions(d.table())
              ? PartitionKeys.of(d.record())
              : null;
      return new Unit(index, r, sub, bytes, e, rowKey, null, null, false);
    } catch (EnvelopeException e) {
      return new Unit(
          index, r, sub, bytes, null, null, "cannot decode: " + e.getMessage(), e, false);
    } catch (StoreException e) {
      return new Unit(
          index,
          r,
          sub,
          bytes,
          null,
          null,
          "cannot fetch its oversize payload: " + e.getMessage(),
          e,
          e.isRetryable());
    }
  }

  /** Whether a sub-record belongs to the shard, as the KCL decides; true when unknown. */
  private boolean inShardRange(StreamRecord r, DeaggregatedRecord sub) {
    BigInteger hashKey = sub.hashKey();
    if (r.stream() == null || hashKey == null) {
      return true;
    }
    if (range == null) {
      try {
        range = parts.shardRanges().rangeOf(r.stream(), shardId);
      } catch (RuntimeException e) {
        LOG.atWarn()
            .setMessage("shard's hash key range unknown; keeping every sub-record")
            .addKeyValue("error", e.getClass().getSimpleName() + ": " + e.getMessage())
            .log();
        range = Optional.empty();
      }
    }
    return range.map(x -> x.contains(hashKey)).orElse(true);
  }

  /** Reads the applied positions of the batch's rows in one go. */
  private boolean prefetch(List<Unit> units) {
    Set<String> keys = new LinkedHashSet<>();
    for (Unit u : units) {
      if (u.rowKey() != null) {
        keys.add(u.rowKey());
      }
    }
    if (keys.isEmpty()) {
      return true;
    }
    try {
      positions.putAll(parts.store().lastApplied(keys));
      return true;
    } catch (StoreException e) {
      LOG.atWarn()
          .setMessage("cannot read applied positions; the batch will be retried")
          .addKeyValue("error", e.getMessage())
          .log();
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One user record

  /** Whether the shard may go on after this unit. */
  private boolean process(Unit u) {
    if (u.retryLater()) {
      logNotDone(u, null, u.problem(), 0);
      return false;
    }
    if (u.error() != null) {
      return deadLetter(u, null, u.problem(), u.error(), 0);
    }
    try {
      if (u.envelope() instanceof Envelope.Data d) {
        return change(u, d.record());
      }
      return control(u, ((Envelope.Control) u.envelope()).record());
    } catch (HandlerFailed f) {
      return f.goOn;
    } catch (StoreException e) {
      LOG.atWarn()
          .setMessage("position store failed; stopping the shard here, Lambda retries it")
          .addKeyValue("sequenceNumber", u.record().sequenceNumber())
          .addKeyValue("error", e.getMessage())
          .log();
      return false;
    }
  }

  private boolean change(Unit u, ChangeRecord rec) {
    tally.seen(rec.commitTimestamp());
    TableId table = rec.tableId();
    TableHandler handler = parts.handlers().forTable(table);
    long current = generationOf(u, table, handler);
    long generation = rec.position().generation();
    if (generation < current) {
      tally.stale++;
      outcome = RedriveOutcome.STALE;
      return true;
    }
    if (generation > current) {
      Step reset = reset(u, table, handler, generation, current, null);
      if (reset != Step.DONE) {
        return reset == Step.GAVE_UP;
      }
    }
    SourcePosition position = rec.position();
    if (u.rowKey() != null) {
      SourcePosition last = positions.get(u.rowKey());
      if (last != null && position.compareTo(last) <= 0) {
        tally.duplicates++;
        outcome = RedriveOutcome.SUPERSEDED;
        return true;
      }
    }
    Result r =
        call(
            handler,
            u,
            attempt ->
                handler.handle(
                    ChangeInput.builder()
                        .record(rec)
                        .rowKey(u.rowKey() != null ? u.rowKey() : PartitionKeys.of(rec))
                        .shardId(u.record().shardId())
                        .sequenceNumber(u.record().sequenceNumber())
                        .subSequenceNumber(u.sub())
                        .attempt(attempt)
                        .remainingTime(remaining)
                        .build()));
    if (r.error() != null) {
      return failed(u, position, "handler for " + table, r);
    }
    tally.applied++;
    outcome = RedriveOutcome.APPLIED;
    if (u.rowKey() != null) {
      return mark(u, u.rowKey(), position);
    }
    return true;
  }

  private boolean control(Unit u, ControlRecord c) {
    TableId table = c.table();
    TableHandler handler = parts.handlers().forTable(table);
    long current = generationOf(u, table, handler);
    long generation = c.generation();
    if (generation < current) {
      tally.stale++;
      outcome = RedriveOutcome.STALE;
      return true;
    }
    if (c.operation().resetsTable()) {
      Step reset = reset(u, table, handler, generation, current, c);
      return reset != Step.STOP;
    }
    if (generation > current) {
      Step reset = reset(u, table, handler, generation, current, null);
      if (reset != Step.DONE) {
        return reset == Step.GAVE_UP;
      }
    }
    // Every shard carries a copy: the first one processed is handed over, the rest are skipped.
    String key = keepsPositions(table) ? null : ControlKeys.schemaChange(c);
    SourcePosition position = new SourcePosition(c.source(), 1, 1);
    if (key != null && parts.store().isApplied(key, position)) {
      tally.duplicates++;
      outcome = RedriveOutcome.SUPERSEDED;
      return true;
    }
    Result r =
        call(
            handler,
            u,
            attempt ->
                handler.onSchemaChange(
                    SchemaChangeInput.builder()
                        .control(c)
                        .shardId(u.record().shardId())
                        .sequenceNumber(u.record().sequenceNumber())
                        .remainingTime(remaining)
                        .build()));
    if (r.error() != null) {
      return failed(u, null, "column change handler for " + table, r);
    }
    tally.schemaChanges++;
    outcome = RedriveOutcome.APPLIED;
    LOG.atInfo()
        .setMessage("column change applied")
        .addKeyValue("table", table)
        .addKeyValue("operation", c.operation().wireName())
        .addKeyValue("columns", c.columns())
        .log();
    return key == null || mark(u, key, position);
  }

  private enum Step {
    /** The table is reset; go on with the record. */
    DONE,
    /** The reset was refused for good and the record dead-lettered; go on with the next one. */
    GAVE_UP,
    /** Not done; stop the shard here. */
    STOP
  }

  /**
   * Hands a table reset to the handler and records the new generation. Called for a control record
   * that resets the table (also when the table is already at its generation: another shard's copy
   * may follow rows that shard applied late), and before the first record of a newer generation.
   */
  private Step reset(
      Unit u,
      TableId table,
      TableHandler handler,
      long generation,
      long current,
      ControlRecord control) {
    TruncateInput input =
        TruncateInput.builder()
            .table(table)
            .generation(generation)
            .previousGeneration(current)
            .control(control)
            .repeated(generation <= current)
            .shardId(u.record().shardId())
            .sequenceNumber(u.record().sequenceNumber())
            .remainingTime(remaining)
            .build();
    Result r = call(handler, u, attempt -> handler.onTruncate(input));
    if (r.error() != null) {
      return failed(u, null, "table reset handler for " + table, r) ? Step.GAVE_UP : Step.STOP;
    }
    long now = generation;
    if (generation > current && !(handler instanceof KeepsPositions)) {
      now = Math.max(generation, parts.store().raiseGeneration(table, generation));
    }
    generations.put(table, now);
    tally.resets++;
    outcome = RedriveOutcome.APPLIED;
    LOG.atInfo()
        .setMessage("table reset")
        .addKeyValue("table", table)
        .addKeyValue("generation", generation)
        .addKeyValue("previousGeneration", current)
        .addKeyValue("reason", input.reason())
        .addKeyValue("repeated", input.repeated())
        .log();
    return Step.DONE;
  }

  /**
   * The table's load generation, read once per batch. A handler that keeps positions is asked
   * inside its batch, like any handler call: a failure that may pass stops the shard at this
   * record, a permanent one dead-letters it ({@link HandlerFailed}).
   */
  private long generationOf(Unit u, TableId table, TableHandler handler) {
    Long g = generations.get(table);
    if (g == null) {
      if (handler instanceof KeepsPositions k) {
        long[] read = new long[1];
        Result r = call(handler, u, attempt -> read[0] = k.generation(table));
        if (r.error() != null) {
          throw new HandlerFailed(
              failed(u, null, "generation of " + table + " from its handler", r));
        }
        g = read[0];
      } else {
        g = parts.store().generation(table);
      }
      generations.put(table, g);
    }
    return g;
  }

  /** A handler call a record needs failed and was dealt with; goOn: whether the shard goes on. */
  private static final class HandlerFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean goOn;

    HandlerFailed(boolean goOn) {
      super(null, null, false, false);
      this.goOn = goOn;
    }
  }

  private boolean keepsPositions(TableId table) {
    return parts.handlers().forTable(table) instanceof KeepsPositions;
  }

  /** Records a change as applied right after its handler returned. */
  private boolean mark(Unit u, String key, SourcePosition position) {
    try {
      if (!parts.store().markApplied(key, position)) {
        LOG.atWarn()
            .setMessage("a later change of this row was recorded meanwhile by another consumer")
            .addKeyValue("source", position)
            .log();
      }
      positions.put(key, position);
      return true;
    } catch (StoreException e) {
      LOG.atWarn()
          .setMessage(
              "change applied but not recorded; stopping the shard, the change will be handed"
                  + " over again")
          .addKeyValue("sequenceNumber", u.record().sequenceNumber())
          .addKeyValue("source", position)
          .addKeyValue("error", e.getMessage())
          .log();
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Calling handlers: retries, batch hooks, failures

  /** How a handler call ended: error null when it returned normally. */
  private record Result(RuntimeException error, int attempts, boolean permanent) {}

  /**
   * Calls a handler, retrying a failure that may pass a few times with backoff (while time allows);
   * a permanent failure ends at once. Errors (a dying process) pass through.
   */
  private Result call(TableHandler handler, Unit u, IntConsumer action) {
    String id = u.id();
    int before = parts.attempts().failedSoFar(id);
    for (int n = 1; ; n++) {
      try {
        ensureStarted(handler, u);
        action.accept(before + n);
        parts.attempts().done(id);
        return new Result(null, n, false);
      } catch (RuntimeException e) {
        parts.attempts().failed(id);
        if (!isRetryable(e)) {
          return new Result(e, n, true);
        }
        if (n >= parts.attemptsPerInvocation()) {
          return new Result(e, n, false);
        }
        Duration wait = Duration.ofMillis(parts.backoff().apply(n));
        if (remaining.get().compareTo(wait.plus(TIME_MARGIN)) < 0) {
          return new Result(e, n, false);
        }
        tally.retries++;
        try {
          parts.sleeper().sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return new Result(e, n, false);
        }
      }
    }
  }

  /** After a failed call: dead-letter it when permanent (then go on), else stop the shard. */
  private boolean failed(Unit u, SourcePosition position, String what, Result r) {
    startedFor(u).ifPresent(s -> s.failed = true);
    if (r.permanent()) {
      return deadLetter(
          u,
          position,
          what + " refused it (" + r.error().getClass().getSimpleName() + ")",
          r.error(),
          r.attempts());
    }
    logNotDone(
        u, position, what + " failed (" + r.error().getClass().getSimpleName() + ")", r.attempts());
    return false;
  }

  private static boolean isRetryable(Throwable e) {
    return !(e instanceof CdcException c) || c.isRetryable();
  }

  /** A handler called in this batch, and the record it was first given. */
  private static final class Started {
    final TableHandler handler;
    final int firstIndex;
    boolean failed;

    Started(TableHandler handler, int firstIndex) {
      this.handler = handler;
      this.firstIndex = firstIndex;
    }
  }

  private void ensureStarted(TableHandler handler, Unit u) {
    for (Started s : started) {
      if (s.handler == handler) {
        return;
      }
    }
    handler.onBatchStart(batchInput(false));
    started.add(new Started(handler, u.index()));
  }

  private Optional<Started> startedFor(Unit u) {
    TableHandler h = u.envelope() == null ? null : parts.handlers().forTable(u.envelope().table());
    return started.stream().filter(s -> s.handler == h).findFirst();
  }

  private void endBatch() {
    for (Started s : started) {
      try {
        s.handler.onBatchEnd(batchInput(s.failed));
      } catch (RuntimeException e) {
        LOG.atWarn()
            .setMessage(
                "table handler failed at batch end; the shard is retried from the first change"
                    + " it was given")
            .addKeyValue("sequenceNumber", records.get(s.firstIndex).sequenceNumber())
            .addKeyValue("error", e.getClass().getSimpleName())
            .log();
        stop(s.firstIndex);
      }
    }
  }

  private BatchInput batchInput(boolean failed) {
    return BatchInput.builder()
        .shardId(shardId)
        .firstSequenceNumber(records.isEmpty() ? null : records.get(0).sequenceNumber())
        .records(records.size())
        .failed(failed)
        .remainingTime(remaining)
        .build();
  }

  private void stop(int index) {
    stopAt = stopAt < 0 ? index : Math.min(stopAt, index);
  }

  private boolean deadLetter(
      Unit u, SourcePosition position, String reason, Exception cause, int attempts) {
    if (redrive) {
      outcome = RedriveOutcome.REFUSED;
      return true;
    }
    DeadLetter letter =
        new DeadLetter(
            u.record().shardId(),
            u.record().sequenceNumber(),
            (int) u.sub(),
            position,
            reason,
            cause.getClass().getName(),
            attempts,
            u.bytes(),
            parts.clock().instant());
    try {
      parts.deadLetters().accept(letter);
    } catch (RuntimeException e) {
      logNotDone(
          u, position, "dead-letter sink failed (" + e.getClass().getSimpleName() + ")", attempts);
      return false;
    }
    tally.deadLettered++;
    LOG.atError()
        .setMessage("record sent to the dead-letter sink")
        .addKeyValue("sequenceNumber", u.record().sequenceNumber())
        .addKeyValue("subSequence", u.sub())
        .addKeyValue("source", position)
        .addKeyValue("reason", reason)
        .log();
    return true;
  }

  private void logNotDone(Unit u, SourcePosition position, String reason, int attempts) {
    LOG.atWarn()
        .setMessage("stopping the shard at a record that is not done; Lambda retries it")
        .addKeyValue("sequenceNumber", u.record().sequenceNumber())
        .addKeyValue("subSequence", u.sub())
        .addKeyValue("source", position)
        .addKeyValue("reason", reason)
        .addKeyValue("attempts", attempts)
        .log();
  }
}
