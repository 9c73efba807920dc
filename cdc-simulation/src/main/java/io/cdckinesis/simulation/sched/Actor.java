package io.cdckinesis.simulation.sched;

import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * One simulated activity that runs real code on its own thread: a Lambda invocation, a sweep. Only
 * the actor holding the {@link Scheduler}'s baton runs; it gives the baton back at every yield
 * point (a call into a simulated service, a sleep).
 */
public final class Actor {

  /** What an actor's thread runs. */
  @FunctionalInterface
  public interface Body {
    /** Runs the actor's code; the result (or failure) goes to the actor's completion callback. */
    Object run(Actor self) throws Exception;
  }

  /**
   * How an actor ended.
   *
   * @param result what the body returned, when it returned normally and was not crashed
   * @param failure what the body threw, when it failed on its own (not a crash)
   * @param crash why the simulation crashed it (a fault, a timeout), or null
   */
  public record Outcome(Object result, Throwable failure, String crash) {

    public boolean succeeded() {
      return failure == null && crash == null;
    }

    @Override
    public String toString() {
      if (crash != null) {
        return "crashed (" + crash + ")";
      }
      if (failure != null) {
        return "failed (" + failure.getClass().getSimpleName() + ")";
      }
      return "succeeded";
    }
  }

  enum State {
    NEW,
    WAITING,
    RUNNING,
    DONE
  }

  final Scheduler scheduler;
  final long id;
  final String name;
  final boolean crashable;
  final Instant deadline;
  final Body body;
  final Consumer<Outcome> onDone;
  final Semaphore turn = new Semaphore(0);

  State state = State.NEW;
  Instant wakeAt;
  Thread thread;
  String crash;
  boolean timesOutAtWake;

  Actor(
      Scheduler scheduler,
      long id,
      String name,
      boolean crashable,
      Instant start,
      Instant deadline,
      Body body,
      Consumer<Outcome> onDone) {
    this.scheduler = scheduler;
    this.id = id;
    this.name = name;
    this.crashable = crashable;
    this.wakeAt = start;
    this.deadline = deadline;
    this.body = body;
    this.onDone = onDone;
  }

  /** The scheduler that runs it. */
  public Scheduler scheduler() {
    return scheduler;
  }

  public String name() {
    return name;
  }

  /** When the actor is killed if still running (a Lambda timeout), or null. */
  public Instant deadline() {
    return deadline;
  }

  /** Whether the simulation crashed it. */
  public boolean crashed() {
    return crash != null;
  }

  @Override
  public String toString() {
    return name;
  }
}
