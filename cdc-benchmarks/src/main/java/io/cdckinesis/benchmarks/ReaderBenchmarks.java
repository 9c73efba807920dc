package io.cdckinesis.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ReaderThroughputBenchmark} and prints MB/s of CSV for each benchmark and the ratios
 * to univocity's raw parse, all from the same run. Takes JMH's usual options ({@code -wi 2 -i 3 -f
 * 1 -p megabytes=64}).
 *
 * <pre>{@code java -jar cdc-benchmarks/target/benchmarks.jar -wi 2 -i 3 -f 1}</pre>
 */
public final class ReaderBenchmarks {

  private ReaderBenchmarks() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Options options =
        new OptionsBuilder()
            .parent(new CommandLineOptions(args))
            .include(ReaderThroughputBenchmark.class.getName())
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, double[]> mbPerSecond = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      int megabytes = Integer.parseInt(r.getParams().getParam("megabytes"));
      double bytes = ReaderThroughputBenchmark.generate(megabytes).length;
      double ms = r.getPrimaryResult().getScore();
      double error = r.getPrimaryResult().getScoreError();
      mbPerSecond.put(name, new double[] {bytes / 1e6 / (ms / 1000), ms, error, bytes});
    }
    double raw = mbPerSecond.getOrDefault("univocityRaw", new double[] {Double.NaN})[0];
    System.out.println();
    System.out.println("DMS CSV reader throughput (MB of CSV per second, one run)");
    for (Map.Entry<String, double[]> e : mbPerSecond.entrySet()) {
      double[] v = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "  %-16s %8.1f MB/s  (%.0f ± %.0f ms per %.1f MB file)  ratio to univocityRaw %.2f%n",
          e.getKey(),
          v[0],
          v[1],
          v[2],
          v[3] / 1e6,
          v[0] / raw);
    }
  }
}
