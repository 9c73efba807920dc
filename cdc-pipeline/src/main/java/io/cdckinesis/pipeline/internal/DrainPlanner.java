package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.ReadProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides a unit's next step from its state and a fresh listing: a pure function, so that every
 * rule of docs/DESIGN.md "Delivery" (invariants 2 and 5) is one place to read and to test.
 */
public final class DrainPlanner {

  private DrainPlanner() {}

  /** What to do next. */
  public sealed interface Step {}

  /**
   * Start a new load generation.
   *
   * @param reason why, for people and the control record
   * @param fullLoad whether the generation starts with a full load or a reset (then the stream gets
   *     a reset control record and the generation is numbered; change files alone keep 0)
   * @param supersededUpTo the last pending change file the reload supersedes (it and those before
   *     it are not sent), or null
   * @param resendChanges whether every change file still in the folder is sent in the new
   *     generation, also those the cursor has passed (after a truncate, only files written since
   *     are left, and a holder that did not know of the truncate may have sent them in the old one)
   */
  public record StartGeneration(
      String reason, boolean fullLoad, String supersededUpTo, boolean resendChanges)
      implements Step {

    public StartGeneration(String reason, boolean fullLoad, String supersededUpTo) {
      this(reason, fullLoad, supersededUpTo, false);
    }
  }

  /** Announce the generation the state holds (a crash came between saving and announcing it). */
  public record Announce() implements Step {}

  /** Send a file, or the rest of it. */
  public record Send(UnitListing.File file, int revision, ReadProgress from) implements Step {
    public boolean load() {
      return file.key().kind() == DmsFileKind.FULL_LOAD;
    }
  }

  /** The file in progress is gone: forget it (a change file counts as done). */
  public record Forget(String key, boolean load) implements Step {}

  /** Nothing to send. */
  public record Idle() implements Step {}

  /**
   * The shortest time after which an S3 lifecycle rule can expire an object (rules count whole
   * days): a file younger than this that vanished was deleted by someone.
   */
  static final Duration LIFECYCLE_MIN_AGE = Duration.ofDays(1);

  /**
   * The next step.
   *
   * @param removalSeen whether an event said that someone deleted an object of the unit
   * @param now the time, to tell a deletion from a lifecycle expiry without such an event
   */
  public static Step next(
      TableState s, UnitListing.Snapshot snap, boolean removalSeen, Instant now) {
    return next(s, snap, removalSeen, false, now);
  }

  /**
   * The next step.
   *
   * @param removalSeen whether an event said that someone deleted an object of the unit
   * @param loadRemoved whether such an event named a full-load file
   * @param now the time, to tell a deletion from a lifecycle expiry without such an event
   */
  public static Step next(
      TableState s,
      UnitListing.Snapshot snap,
      boolean removalSeen,
      boolean loadRemoved,
      Instant now) {
    boolean known = s.savedAt() != null;
    if (!s.announced()) {
      return new Announce();
    }
    boolean fresh = !hasContent(s) && s.generation() == 0 && s.cursor() == null;
    if (fresh && removalSeen && (snap.empty() || (loadRemoved && snap.loads().isEmpty()))) {
      // No state (lost, or never saved before this run's lease) and the folder emptied by someone,
      // or its full load deleted (change files written since may be there): the table was
      // truncated or dropped while nothing remembered it; its consumers must still drop the rows
      // they hold, and the change files since are the table.
      return new StartGeneration(
          "the table's folder was deleted (truncate or drop at the source) while its state was"
              + " lost",
          true,
          null,
          true);
    }
    if (known
        && s.generation() == 0
        && s.loads().isEmpty()
        && removalSeen
        && loadRemoved
        && snap.loads().isEmpty()) {
      // A state that began with change files alone hears that a full-load file was deleted: the
      // table had a full load this state never knew (it was lost with an earlier state), then a
      // truncate. The change files since went out in generation 0, which consumers that saw the
      // load skip as stale: reset the table and send them again.
      return new StartGeneration(
          "the table's full load was deleted (truncate or drop at the source) after its state was"
              + " lost",
          true,
          null,
          true);
    }
    if (!known) {
      if (snap.empty()) {
        return new Idle();
      }
      boolean loads = !snap.loads().isEmpty();
      return new StartGeneration(
          loads ? "full load" : "change files without a full load", loads, null);
    }
    if (hasContent(s)
        && (snap.empty() || loadsGone(s, snap))
        && (removalSeen || loadsYoungerThan(s, now.minus(LIFECYCLE_MIN_AGE)))) {
      // The folder was deleted (truncate or drop at the source): every file the generation had is
      // gone, whatever DMS wrote since is left (change files after a truncate may come quickly).
      // Without a delete event (lost, or met a held lease), full-load files too young for any
      // lifecycle rule tell the same.
      return new StartGeneration(
          "the table's folder was deleted (truncate or drop at the source)", true, null, true);
    }
    if (s.current() != null) {
      UnitListing.File f = snap.find(s.current().version().key());
      if (f == null) {
        return new Forget(s.current().version().key(), isLoad(s.current().version().key()));
      }
      if (s.current().version().sameAs(f.object())) {
        return new Send(f, s.current().revision(), s.current().progress());
      }
      if (f.key().kind() == DmsFileKind.FULL_LOAD) {
        return reload(s, snap, f.name() + " was rewritten while it was being sent");
      }
      return new Send(f, s.current().revision() + 1, ReadProgress.START);
    }
    List<UnitListing.File> pending = new ArrayList<>();
    for (UnitListing.File f : snap.loads()) {
      FileVersion v = FileVersion.of(f.object());
      if (s.isRetired(v)) {
        continue;
      }
      FileVersion done = s.loads().get(f.name());
      if (done != null) {
        if (!done.equals(v)) {
          return reload(s, snap, f.name() + " was rewritten");
        }
        continue;
      }
      if (s.changesStarted() || s.generation() == 0) {
        // A full load after changes, or after a start without one: a new generation either way.
        return reload(s, snap, "a new full load after change files");
      }
      pending.add(f);
    }
    if (!pending.isEmpty() && s.loads().isEmpty() && writtenBefore(snap, pending)) {
      // The generation began with a reset (a truncate), change files followed, then DMS wrote a
      // full load: it holds their effect, so they are superseded, not sent after it.
      return reload(s, snap, "a full load after the table's change files");
    }
    if (!pending.isEmpty()) {
      return new Send(pending.get(0), 1, ReadProgress.START);
    }
    if (!snap.changes().isEmpty()) {
      return new Send(snap.changes().get(0), 1, ReadProgress.START);
    }
    return new Idle();
  }

  /**
   * A reload: change files still pending that were written before the reload's first full-load file
   * are superseded by it (their effect is in the reloaded rows).
   */
  private static Step reload(TableState s, UnitListing.Snapshot snap, String why) {
    Instant start = null;
    for (UnitListing.File f : snap.loads()) {
      FileVersion v = FileVersion.of(f.object());
      if (s.isRetired(v) || v.equals(s.loads().get(f.name()))) {
        continue; // an old version, not part of the reload
      }
      if (start == null || v.lastModified().isBefore(start)) {
        start = v.lastModified();
      }
    }
    String superseded = null;
    if (start != null) {
      for (UnitListing.File c : snap.changes()) {
        if (!c.object().lastModified().isBefore(start)) {
          break;
        }
        superseded = c.name();
      }
    }
    return new StartGeneration("reload: " + why, true, superseded);
  }

  /** Whether the first pending change file was written before the earliest pending full load. */
  private static boolean writtenBefore(UnitListing.Snapshot snap, List<UnitListing.File> loads) {
    if (snap.changes().isEmpty()) {
      return false;
    }
    Instant first = null;
    for (UnitListing.File f : loads) {
      Instant t = f.object().lastModified();
      if (first == null || t.isBefore(first)) {
        first = t;
      }
    }
    return snap.changes().get(0).object().lastModified().isBefore(first);
  }

  /** Whether the generation had full-load files and none of them, nor any other, is listed. */
  private static boolean loadsGone(TableState s, UnitListing.Snapshot snap) {
    boolean hadLoads =
        !s.loads().isEmpty() || (s.current() != null && isLoad(s.current().version().key()));
    return hadLoads && snap.loads().isEmpty();
  }

  /** Whether a full-load file of the generation was written after {@code since}. */
  private static boolean loadsYoungerThan(TableState s, Instant since) {
    for (FileVersion v : s.loads().values()) {
      if (v.lastModified().isAfter(since)) {
        return true;
      }
    }
    return s.current() != null
        && isLoad(s.current().version().key())
        && s.current().version().lastModified().isAfter(since);
  }

  private static boolean hasContent(TableState s) {
    return !s.loads().isEmpty() || s.changesStarted() || s.current() != null;
  }

  private static boolean isLoad(String key) {
    return io.cdckinesis.core.DmsFileName.parseLastSegment(key)
        .map(n -> n.kind() == DmsFileKind.FULL_LOAD)
        .orElse(false);
  }
}
