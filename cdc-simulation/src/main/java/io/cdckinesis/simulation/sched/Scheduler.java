package io.cdckinesis.simulation.sched;

import io.cdckinesis.local.sim.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A deterministic scheduler in virtual time (after FoundationDB's simulation and TigerBeetle's
 * VOPR). Actors run real code on their own threads, but only one at a time: the thread holding the
 * baton runs until its next yield point ({@link #pause}), where the scheduler picks what runs next
 * with a seeded random among everything due now (actors whose wait is over, timers), and passes the
 * baton. When nothing is due, virtual time jumps to the earliest wake-up. Timers run world-model
 * code inline on the baton holder's thread and never yield.
 *
 * <p>The same seed and the same code give the same sequence of steps; {@link Trace#hash()} proves
 * it. A run ends when nothing is left to do and the world says it is idle, or when a budget (steps,
 * virtual time) is spent (a livelock), or when an actor does not reach a yield point within a
 * real-time limit (it blocks outside the simulation: a deadlock on a real lock, a real sleep, a
 * hidden thread).
 */
public final class Scheduler {

  /** A fault at a yield point of a crashable actor: crash it there, or stall it for a while. */
  public record YieldFault(boolean crash, Duration stall) {

    public static YieldFault crashHere() {
      return new YieldFault(true, Duration.ZERO);
    }

    public static YieldFault stallFor(Duration d) {
      return new YieldFault(false, d);
    }
  }

  /** Decides faults at the yield points of crashable actors. */
  @FunctionalInterface
  public interface YieldFaults {
    YieldFaults NONE = (actor, label) -> null;

    /** A fault for this yield, or null. */
    YieldFault at(Actor actor, String label);
  }

  /** Budgets of a run. */
  public record Limits(long maxSteps, Duration maxVirtualTime, Duration stuckAfter) {}

  /** How a run ended. */
  public enum End {
    /** Nothing left to do and the world idle. */
    QUIESCENT,
    /** The step budget is spent. */
    STEP_BUDGET,
    /** The virtual-time budget is spent. */
    TIME_BUDGET,
    /** Nothing is scheduled, yet the world is not idle. */
    DEADLOCK,
    /** An actor did not yield within the real-time limit. */
    STUCK,
    /** World-model code failed (a bug of the simulation or an unexpected failure of a check). */
    ERROR
  }

  private static final ThreadLocal<Actor> CURRENT = new ThreadLocal<>();

  private final ManualClock clock;
  private final Random random;
  private final Trace trace;
  private final Limits limits;
  private final Instant start;
  private YieldFaults faults = YieldFaults.NONE;
  private BooleanSupplier idle = () -> true;

  private final List<Actor> actors = new ArrayList<>();
  private final List<Actor> started = new CopyOnWriteArrayList<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<Timer> due = new ArrayList<>();
  private final List<Actor> ready = new ArrayList<>();
  private final Semaphore finished = new Semaphore(0);
  private long switches;
  private long nextId;
  private long nextTimer;
  private boolean inScheduler;
  private volatile long steps;
  private volatile boolean ended;
  private volatile Actor running;
  private volatile End end;
  private volatile String endDetail;

  private record Timer(Instant at, long seq, String name, boolean background, Runnable action)
      implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  public Scheduler(ManualClock clock, long seed, Limits limits) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = new Random(seed);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.start = clock.instant();
    this.trace = new Trace(start, Integer.getInteger("sim.traceTail", 40));
  }

  /** The actor running on this thread, or null on any other thread. */
  public static Actor current() {
    return CURRENT.get();
  }

  public ManualClock clock() {
    return clock;
  }

  /** The seeded random every decision of the run draws from (only the baton holder draws). */
  public Random random() {
    return random;
  }

  public Trace trace() {
    return trace;
  }

  public Instant now() {
    return clock.instant();
  }

  /** Virtual time since the run started. */
  public Duration elapsed() {
    return Duration.between(start, clock.instant());
  }

  public long steps() {
    return steps;
  }

  /** How many times the baton passed from one thread to another. */
  public long switches() {
    return switches;
  }

  /** How many actor threads the run started. */
  public long threads() {
    return started.size();
  }

  public void faults(YieldFaults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
  }

  /** What tells the scheduler that the world has nothing left to do once no work is scheduled. */
  public void idleWhen(BooleanSupplier idle) {
    this.idle = Objects.requireNonNull(idle, "idle");
  }

  public End end() {
    return end;
  }

  /** What the end means, e.g. the stuck actor and its stack. */
  public String endDetail() {
    return endDetail;
  }

  /** Records a step of world-model code in the trace. */
  public void note(String who, String what) {
    trace.add(clock.instant(), who, what);
  }

  // ---- scheduling work ---------------------------------------------------------------------

  /**
   * Starts an actor after {@code delay}.
   *
   * @param crashable whether the fault plan may crash or stall it at its yield points
   * @param timeout after how long it is killed if still running (like a Lambda timeout), or null
   * @param onDone runs (as world-model code) when the actor ends, with how it ended
   */
  public Actor spawn(
      String name,
      Duration delay,
      boolean crashable,
      Duration timeout,
      Actor.Body body,
      Consumer<Actor.Outcome> onDone) {
    Instant at = clock.instant().plus(delay);
    Actor a =
        new Actor(
            this,
            ++nextId,
            name,
            crashable,
            at,
            timeout == null ? null : at.plus(timeout),
            body,
            onDone);
    a.state = Actor.State.WAITING;
    actors.add(a);
    return a;
  }

  /**
   * Runs world-model code after {@code delay}, inline on the scheduler's current thread. A
   * background timer (a poll, a periodic sweep) does not keep a run alive on its own.
   */
  public void at(Duration delay, String name, boolean background, Runnable action) {
    timers.add(new Timer(clock.instant().plus(delay), ++nextTimer, name, background, action));
  }

  // ---- yield points (called on actor threads) ------------------------------------------------

  /**
   * A yield point: the calling actor waits {@code d} of virtual time (a call's latency, a sleep)
   * while others may run. Throws {@link ActorCrashed} when the fault plan crashes the actor here,
   * when it was crashed before, or when it reaches its deadline. On a thread that is not an actor
   * (setup code, world-model code) it returns at once.
   */
  public static void pause(String label, Duration d) {
    Actor a = CURRENT.get();
    if (a != null) {
      a.scheduler.yieldActor(a, label, d);
    }
  }

  /** Throws if the calling actor has crashed; for effects that must not happen after a crash. */
  public static void checkAlive() {
    Actor a = CURRENT.get();
    if (a != null) {
      a.scheduler.ensureAlive(a);
    }
  }

  private void ensureAlive(Actor a) {
    if (ended) {
      throw new SimulationStopped();
    }
    if (a.crash != null) {
      throw new ActorCrashed(a.name + " " + a.crash);
    }
  }

  private void yieldActor(Actor a, String label, Duration d) {
    if (inScheduler) {
      throw new IllegalStateException("world-model code must not yield: " + label);
    }
    ensureAlive(a);
    Duration wait = d.isNegative() ? Duration.ZERO : d;
    if (a.crashable) {
      YieldFault f = faults.at(a, label);
      if (f != null && f.crash()) {
        a.crash = "crashed before " + label;
        trace.add(clock.instant(), a.name, "CRASH before " + label);
        throw new ActorCrashed(a.name + " " + a.crash);
      }
      if (f != null && f.stall() != null && !f.stall().isZero()) {
        trace.add(clock.instant(), a.name, "STALL " + Trace.format(f.stall()) + " at " + label);
        wait = wait.plus(f.stall());
      }
    }
    Instant wake = clock.instant().plus(wait);
    if (a.deadline != null && wake.isAfter(a.deadline)) {
      wake = a.deadline;
      a.timesOutAtWake = true;
    }
    a.wakeAt = wake;
    a.state = Actor.State.WAITING;
    trace.add(clock.instant(), a.name, label);
    Actor next = next();
    if (next == null) {
      finish();
      throw new SimulationStopped();
    }
    switchTo(next, a);
    if (ended) {
      throw new SimulationStopped();
    }
    if (a.timesOutAtWake) {
      a.crash = "timed out at " + label;
      trace.add(clock.instant(), a.name, "TIMEOUT at " + label);
      throw new ActorCrashed(a.name + " " + a.crash);
    }
  }

  // ---- the run -------------------------------------------------------------------------------

  /** Runs until the world is idle or a budget is spent; returns how it ended. */
  public End run() {
    Actor first;
    try {
      first = next();
    } catch (RuntimeException | Error e) {
      stop(End.ERROR, describe(e));
      first = null;
    }
    if (first == null) {
      finish();
    } else {
      switchTo(first, null);
    }
    long lastSteps = -1;
    long lastChange = System.nanoTime();
    try {
      while (!finished.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        long s = steps;
        if (s != lastSteps) {
          lastSteps = s;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > limits.stuckAfter().toNanos()) {
          Actor stuck = running;
          StringBuilder stack = new StringBuilder();
          if (stuck != null && stuck.thread != null) {
            for (StackTraceElement e : stuck.thread.getStackTrace()) {
              stack.append("\n    at ").append(e);
            }
          }
          stop(
              End.STUCK,
              (stuck == null ? "an actor" : stuck.name)
                  + " did not reach a yield point for "
                  + limits.stuckAfter().toSeconds()
                  + " s of real time (blocked or spinning outside the simulation)"
                  + stack);
          finish();
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(End.ERROR, "interrupted");
      finish();
    }
    // Let the threads of actors still alive unwind (they throw at their next yield point).
    for (Actor a : started) {
      if (a.thread != null) {
        try {
          a.thread.join(2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return end;
  }

  /** Ends the run early, e.g. when a check fails during it. */
  public void stop(End why, String detail) {
    if (end == null) {
      end = why;
      endDetail = detail;
    }
  }

  /**
   * Picks what runs next, running due timers inline; null when the run ends. Called only by the
   * baton holder.
   */
  private Actor next() {
    while (true) {
      if (end != null) {
        return null;
      }
      if (++steps > limits.maxSteps()) {
        stop(End.STEP_BUDGET, "more than " + limits.maxSteps() + " steps");
        return null;
      }
      Instant now = clock.instant();
      while (!timers.isEmpty() && !timers.peek().at().isAfter(now)) {
        due.add(timers.poll());
      }
      ready.clear();
      for (Actor a : actors) {
        if (a.state == Actor.State.WAITING && !a.wakeAt.isAfter(now)) {
          ready.add(a);
        }
      }
      int choices = due.size() + ready.size();
      if (choices > 0) {
        int pick = choices == 1 ? 0 : random.nextInt(choices);
        if (pick < due.size()) {
          Timer t = due.remove(pick);
          runTimer(t);
          continue;
        }
        return ready.get(pick - due.size());
      }
      boolean foreground = !actors.isEmpty();
      for (Timer t : timers) {
        if (!t.background()) {
          foreground = true;
          break;
        }
      }
      if (!foreground) {
        boolean isIdle;
        inScheduler = true;
        try {
          isIdle = idle.getAsBoolean();
        } finally {
          inScheduler = false;
        }
        if (isIdle) {
          stop(End.QUIESCENT, null);
          return null;
        }
      }
      Instant wake = timers.isEmpty() ? null : timers.peek().at();
      for (Actor a : actors) {
        if (a.state == Actor.State.WAITING && (wake == null || a.wakeAt.isBefore(wake))) {
          wake = a.wakeAt;
        }
      }
      if (wake == null) {
        stop(End.DEADLOCK, "nothing is scheduled, yet the world is not idle");
        return null;
      }
      if (Duration.between(start, wake).compareTo(limits.maxVirtualTime()) > 0) {
        stop(
            End.TIME_BUDGET,
            "not idle after " + limits.maxVirtualTime().toMinutes() + " min of virtual time");
        return null;
      }
      clock.advance(Duration.between(now, wake));
    }
  }

  private void runTimer(Timer t) {
    inScheduler = true;
    try {
      t.action().run();
    } catch (RuntimeException | Error e) {
      stop(End.ERROR, "world-model step " + t.name() + " failed: " + describe(e));
    } finally {
      inScheduler = false;
    }
  }

  /** Gives the baton to {@code next}; {@code self} (null for the main thread) waits for it. */
  private void switchTo(Actor next, Actor self) {
    next.state = Actor.State.RUNNING;
    running = next;
    if (next == self) {
      return;
    }
    switches++;
    if (next.thread == null) {
      Thread t = new Thread(() -> runActor(next), next.name);
      t.setDaemon(true);
      next.thread = t;
      started.add(next);
      trace.add(clock.instant(), next.name, "start");
      t.start();
    } else {
      next.turn.release();
    }
    if (self != null) {
      self.turn.acquireUninterruptibly();
    }
  }

  private void runActor(Actor a) {
    CURRENT.set(a);
    try {
      runAndComplete(a);
    } finally {
      CURRENT.remove();
    }
  }

  private void runAndComplete(Actor a) {
    Actor.Outcome outcome;
    try {
      Object result = a.body.run(a);
      outcome = new Actor.Outcome(result, null, a.crash);
    } catch (SimulationStopped s) {
      return;
    } catch (Throwable t) {
      if (ended) {
        return;
      }
      outcome = new Actor.Outcome(null, a.crash == null ? t : null, a.crash);
    }
    if (ended) {
      return;
    }
    a.state = Actor.State.DONE;
    actors.remove(a);
    trace.add(clock.instant(), a.name, "end: " + outcome);
    inScheduler = true;
    try {
      a.onDone.accept(outcome);
    } catch (RuntimeException | Error e) {
      stop(End.ERROR, "completion of " + a.name + " failed: " + describe(e));
    } finally {
      inScheduler = false;
    }
    Actor next = next();
    if (next == null) {
      finish();
      return;
    }
    switchTo(next, null);
  }

  /** Ends the run: wakes the main thread and every actor still waiting (they unwind). */
  private void finish() {
    if (ended) {
      return;
    }
    ended = true;
    running = null;
    for (Actor a : started) {
      a.turn.release();
    }
    finished.release();
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.toString());
    StackTraceElement[] st = e.getStackTrace();
    for (int i = 0; i < Math.min(12, st.length); i++) {
      sb.append("\n    at ").append(st[i]);
    }
    return sb.toString();
  }
}
