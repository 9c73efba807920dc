package io.cdckinesis.simulation.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cdckinesis.local.sim.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
  private static final Scheduler.Limits LIMITS =
      new Scheduler.Limits(1_000_000, Duration.ofHours(1), Duration.ofSeconds(10));

  /** Three actors appending to one list with random pauses: the interleaving the seed picks. */
  private static List<String> interleaving(long seed, Scheduler[] out) {
    Scheduler s = new Scheduler(new ManualClock(T0), seed, LIMITS);
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    for (String name : List.of("a", "b", "c")) {
      s.spawn(
          name,
          Duration.ZERO,
          false,
          null,
          self -> {
            for (int i = 0; i < 20; i++) {
              log.add(name + i);
              Scheduler.pause("step", Duration.ofMillis(s.random().nextInt(3)));
            }
            return null;
          },
          o -> {});
    }
    assertThat(s.run()).isEqualTo(Scheduler.End.QUIESCENT);
    out[0] = s;
    return log;
  }

  @Test
  void theSameSeedGivesTheSameInterleavingAndTrace() {
    Scheduler[] one = new Scheduler[1];
    Scheduler[] two = new Scheduler[1];
    List<String> first = interleaving(42, one);
    List<String> second = interleaving(42, two);
    assertThat(second).isEqualTo(first).hasSize(60);
    assertThat(two[0].trace().hash()).isEqualTo(one[0].trace().hash());
  }

  @Test
  void otherSeedsGiveOtherInterleavings() {
    Scheduler[] s = new Scheduler[1];
    List<String> first = interleaving(1, s);
    boolean differs = false;
    for (long seed = 2; seed < 10 && !differs; seed++) {
      differs = !interleaving(seed, s).equals(first);
    }
    assertThat(differs).isTrue();
  }

  @Test
  void timeJumpsToTheEarliestWakeUp() {
    ManualClock clock = new ManualClock(T0);
    Scheduler s = new Scheduler(clock, 1, LIMITS);
    List<String> log = new ArrayList<>();
    s.spawn(
        "slow",
        Duration.ZERO,
        false,
        null,
        self -> {
          Scheduler.pause("sleep", Duration.ofMinutes(10));
          log.add("slow at " + s.elapsed());
          return null;
        },
        o -> {});
    s.spawn(
        "fast",
        Duration.ofSeconds(5),
        false,
        null,
        self -> {
          log.add("fast at " + s.elapsed());
          return null;
        },
        o -> {});
    assertThat(s.run()).isEqualTo(Scheduler.End.QUIESCENT);
    assertThat(log).containsExactly("fast at PT5S", "slow at PT10M");
  }

  @Test
  void aCrashedActorThrowsAtEveryLaterCallAndItsOutcomeSaysCrashed() {
    Scheduler s = new Scheduler(new ManualClock(T0), 1, LIMITS);
    s.faults((actor, label) -> label.equals("second") ? Scheduler.YieldFault.crashHere() : null);
    List<String> effects = new ArrayList<>();
    AtomicReference<Actor.Outcome> outcome = new AtomicReference<>();
    s.spawn(
        "victim",
        Duration.ZERO,
        true,
        null,
        self -> {
          Scheduler.pause("first", Duration.ofMillis(1));
          effects.add("first");
          try {
            Scheduler.pause("second", Duration.ofMillis(1));
            effects.add("second");
          } catch (Throwable swallowed) {
            // real code may swallow it: the next call must still fail
          }
          try {
            Scheduler.pause("third", Duration.ofMillis(1));
            effects.add("third");
          } finally {
            effects.add("finally ran");
          }
          return "returned";
        },
        outcome::set);
    assertThat(s.run()).isEqualTo(Scheduler.End.QUIESCENT);
    assertThat(effects).containsExactly("first", "finally ran");
    assertThat(outcome.get().crash()).isEqualTo("crashed before second");
    assertThat(outcome.get().succeeded()).isFalse();
  }

  @Test
  void anActorPastItsDeadlineIsKilledAtItsNextWakeUp() {
    Scheduler s = new Scheduler(new ManualClock(T0), 1, LIMITS);
    AtomicReference<Actor.Outcome> outcome = new AtomicReference<>();
    AtomicReference<Duration> endedAt = new AtomicReference<>();
    s.spawn(
        "lambda",
        Duration.ZERO,
        false,
        Duration.ofSeconds(30),
        self -> {
          Scheduler.pause("long call", Duration.ofMinutes(5));
          return null;
        },
        o -> {
          outcome.set(o);
          endedAt.set(s.elapsed());
        });
    s.run();
    assertThat(outcome.get().crash()).startsWith("timed out");
    assertThat(endedAt.get()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aStepBudgetStopsALivelock() {
    Scheduler s =
        new Scheduler(
            new ManualClock(T0),
            1,
            new Scheduler.Limits(500, Duration.ofHours(1), Duration.ofSeconds(10)));
    s.spawn(
        "spinner",
        Duration.ZERO,
        false,
        null,
        self -> {
          while (true) {
            Scheduler.pause("poll", Duration.ofMillis(1));
          }
        },
        o -> {});
    assertThat(s.run()).isEqualTo(Scheduler.End.STEP_BUDGET);
  }

  @Test
  void aVirtualTimeBudgetStopsAWorldThatNeverSettles() {
    Scheduler s =
        new Scheduler(
            new ManualClock(T0),
            1,
            new Scheduler.Limits(1_000_000, Duration.ofMinutes(5), Duration.ofSeconds(10)));
    s.idleWhen(() -> false);
    Runnable[] poll = new Runnable[1];
    poll[0] = () -> s.at(Duration.ofSeconds(1), "poll", true, poll[0]);
    s.at(Duration.ZERO, "poll", true, poll[0]);
    assertThat(s.run()).isEqualTo(Scheduler.End.TIME_BUDGET);
  }

  @Test
  void anActorBlockedOutsideTheSimulationIsReportedStuck() {
    Scheduler s =
        new Scheduler(
            new ManualClock(T0),
            1,
            new Scheduler.Limits(1_000, Duration.ofHours(1), Duration.ofMillis(500)));
    Object lock = new Object();
    for (String name : List.of("holder", "waiter")) {
      s.spawn(
          name,
          Duration.ZERO,
          false,
          null,
          self -> {
            synchronized (lock) {
              Scheduler.pause("inside the lock", Duration.ofMillis(1));
            }
            return null;
          },
          o -> {});
    }
    assertThat(s.run()).isEqualTo(Scheduler.End.STUCK);
    assertThat(s.endDetail()).contains("did not reach a yield point");
  }

  @Test
  void worldCodeMustNotYield() {
    Scheduler s = new Scheduler(new ManualClock(T0), 1, LIMITS);
    s.spawn(
        "actor",
        Duration.ZERO,
        false,
        null,
        self -> {
          Scheduler.pause("call", Duration.ofMillis(1));
          return null;
        },
        o -> Scheduler.pause("from a completion", Duration.ofMillis(1)));
    assertThat(s.run()).isEqualTo(Scheduler.End.ERROR);
    assertThat(s.endDetail()).contains("must not yield");
  }

  @Test
  void pauseOutsideAnyActorReturnsAtOnce() {
    Scheduler.pause("setup", Duration.ofHours(1));
    assertThatCode(Scheduler::checkAlive).doesNotThrowAnyException();
  }

  @Test
  void handoffsAreCheap() {
    Scheduler s = new Scheduler(new ManualClock(T0), 7, LIMITS);
    for (int n = 0; n < 4; n++) {
      s.spawn(
          "a" + n,
          Duration.ZERO,
          false,
          null,
          self -> {
            for (int i = 0; i < 10_000; i++) {
              Scheduler.pause("step", Duration.ofMillis(s.random().nextInt(2)));
            }
            return null;
          },
          o -> {});
    }
    long t0 = System.nanoTime();
    assertThat(s.run()).isEqualTo(Scheduler.End.QUIESCENT);
    double micros = (System.nanoTime() - t0) / 1000.0 / 40_000;
    System.out.printf("scheduler: %.1f us per yield (4 actors)%n", micros);
  }
}
