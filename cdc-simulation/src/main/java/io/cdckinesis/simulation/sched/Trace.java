package io.cdckinesis.simulation.sched;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened in a run, step by step: a running hash of every step (two runs of one seed must
 * agree on it) and the last steps as text, for the report of a failing schedule.
 */
public final class Trace {

  private static final long FNV_PRIME = 0x100000001b3L;

  private final Instant start;
  private final String[] tail;
  private long hash = 0xcbf29ce484222325L;
  private long entries;

  public Trace(Instant start, int tailLength) {
    this.start = start;
    this.tail = new String[tailLength];
  }

  /** Records one step. */
  public void add(Instant at, String who, String what) {
    String line = format(Duration.between(start, at)) + " " + who + " " + what;
    for (int i = 0; i < line.length(); i++) {
      hash = (hash ^ line.charAt(i)) * FNV_PRIME;
    }
    hash = (hash ^ '\n') * FNV_PRIME;
    tail[(int) (entries % tail.length)] = line;
    entries++;
  }

  /** The hash of every step so far. */
  public long hash() {
    return hash;
  }

  public long entries() {
    return entries;
  }

  /** The last steps, oldest first. */
  public List<String> tail() {
    List<String> out = new ArrayList<>();
    long from = Math.max(0, entries - tail.length);
    for (long i = from; i < entries; i++) {
      out.add(tail[(int) (i % tail.length)]);
    }
    return out;
  }

  /** Virtual time since the start as {@code 1234.567s}. */
  static String format(Duration d) {
    long millis = d.toMillis();
    long ms = millis % 1000;
    return (millis / 1000) + (ms < 10 ? ".00" : ms < 100 ? ".0" : ".") + ms + "s";
  }
}
