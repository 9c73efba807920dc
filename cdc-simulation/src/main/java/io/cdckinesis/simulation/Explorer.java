package io.cdckinesis.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs many schedules, several at once (each schedule is single-threaded in effect, so schedules
 * run in parallel on the machine's cores), and gathers the failing ones.
 */
public final class Explorer {

  /**
   * What a batch of schedules found.
   *
   * @param failures the failing schedules, by seed
   * @param realTime wall-clock time of the whole batch
   * @param slowest the longest single schedule
   */
  public record Summary(
      Profile profile,
      long schedules,
      List<SimulationResult> failures,
      Duration realTime,
      Duration slowest,
      long steps) {

    public String describe() {
      return String.format(
          "%s: %d schedules in %.1f s (%.1f ms each on average, slowest %d ms, %d steps), %d failing",
          profile.cliName(),
          schedules,
          realTime.toMillis() / 1000.0,
          schedules == 0 ? 0.0 : realTime.toNanos() / 1e6 / schedules,
          slowest.toMillis(),
          steps,
          failures.size());
    }
  }

  private Explorer() {}

  /** Runs seeds {@code from .. from+count-1} of a profile on the deployed pipeline. */
  public static Summary explore(
      Profile profile, long from, long count, int threads, Consumer<SimulationResult> each) {
    return explore(profile, from, count, threads, each, DeployedPipeline::new);
  }

  /** Runs seeds {@code from .. from+count-1} of a profile on a system under test. */
  public static Summary explore(
      Profile profile,
      long from,
      long count,
      int threads,
      Consumer<SimulationResult> each,
      Function<SimPlatform, SystemUnderTest> sut) {
    long began = System.nanoTime();
    List<SimulationResult> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicLong slowest = new AtomicLong();
    AtomicLong steps = new AtomicLong();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "simulation");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (long seed = from; seed < from + count; seed++) {
        long s = seed;
        futures.add(
            pool.submit(
                () -> {
                  SimulationResult r = Simulation.run(profile.scenario(s), sut);
                  slowest.accumulateAndGet(r.realTime().toNanos(), Math::max);
                  steps.addAndGet(r.steps());
                  if (!r.passed()) {
                    failures.add(r);
                  }
                  each.accept(r);
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("exploration failed", e);
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failures.sort((a, b) -> Long.compare(a.scenario().seed(), b.scenario().seed()));
    return new Summary(
        profile,
        count,
        List.copyOf(failures),
        Duration.ofNanos(System.nanoTime() - began),
        Duration.ofNanos(slowest.get()),
        steps.get());
  }
}
