package io.cdckinesis.simulation;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the simulation ({@code tools/simulate}):
 *
 * <pre>
 * tools/simulate --seed 123 [--profile full]       replay one schedule, with its full report
 *     [--trace]                                     and every step it took
 * tools/simulate --schedules 100000 [--from 1]     explore many (all profiles unless --profile)
 *     [--profile baseline] [--threads 2] [--show 5]
 * tools/simulate --list                             the profiles
 * </pre>
 *
 * Exit status 0 when every schedule passed, 1 when one failed, 2 on a usage error.
 */
public final class SimulationMain {

  private SimulationMain() {}

  public static void main(String[] args) {
    Long seed = null;
    boolean trace = false;
    long schedules = 1_000;
    long from = 1;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    int show = 3;
    List<Profile> profiles = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--seed" -> seed = Long.parseLong(args[++i]);
          case "--trace" -> trace = true;
          case "--schedules" -> schedules = Long.parseLong(args[++i]);
          case "--from" -> from = Long.parseLong(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--show" -> show = Integer.parseInt(args[++i]);
          case "--profile" -> profiles.add(Profile.named(args[++i]));
          case "--list" -> {
            for (Profile p : Profile.values()) {
              System.out.println(p.cliName());
            }
            return;
          }
          case "--help", "-h" -> {
            usage();
            return;
          }
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
    } catch (RuntimeException e) {
      System.err.println("simulate: " + e.getMessage());
      usage();
      System.exit(2);
      return;
    }
    if (seed != null) {
      Profile p = profiles.isEmpty() ? Profile.BASELINE : profiles.get(0);
      if (trace) {
        System.setProperty("sim.traceTail", "10000000");
      }
      SimulationResult r = Simulation.run(p, seed);
      if (trace) {
        r.traceTail().forEach(System.out::println);
      }
      System.out.print(r.report());
      System.exit(r.passed() ? 0 : 1);
      return;
    }
    if (profiles.isEmpty()) {
      profiles.addAll(List.of(Profile.values()));
    }
    boolean allPassed = true;
    long per = Math.max(1, schedules / profiles.size());
    for (Profile p : profiles) {
      Explorer.Summary s = Explorer.explore(p, from, per, threads, r -> {});
      System.out.println(s.describe());
      int shown = 0;
      for (SimulationResult f : s.failures()) {
        if (shown++ < show) {
          System.out.print(indent(f.report()));
        }
      }
      if (s.failures().size() > show) {
        List<Long> seeds = new ArrayList<>();
        s.failures().stream().skip(show).limit(20).forEach(f -> seeds.add(f.scenario().seed()));
        System.out.println(
            "    more failing seeds: " + seeds + (s.failures().size() > show + 20 ? " ..." : ""));
      }
      allPassed &= s.failures().isEmpty();
    }
    System.exit(allPassed ? 0 : 1);
  }

  private static String indent(String s) {
    return "    " + s.replace("\n", "\n    ").stripTrailing() + "\n";
  }

  private static void usage() {
    System.err.println(
        "usage: tools/simulate [--seed N [--trace]] [--profile NAME]... [--schedules N] [--from N]"
            + " [--threads N] [--show N] [--list]");
  }
}
