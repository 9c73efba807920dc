package io.cdckinesis.examples.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time used by this process and the child processes it has waited for (the Kinesis emulator
 * runs as one), as {@code time} reports it: on Linux from {@code /proc/self/stat} (utime, stime,
 * cutime, cstime); elsewhere the JVM's own CPU time only.
 */
final class CpuTime {

  /** Linux reports {@code /proc} times in USER_HZ, 100 per second on every architecture. */
  private static final long TICKS_PER_SECOND = 100;

  private CpuTime() {}

  /** The CPU time so far. */
  static Duration used() {
    Duration withChildren = fromProcStat(Path.of("/proc/self/stat"));
    return withChildren != null ? withChildren : jvmOnly();
  }

  /** Whether {@link #used()} counts the child processes too. */
  static boolean includesChildren() {
    return fromProcStat(Path.of("/proc/self/stat")) != null;
  }

  /** utime + stime + cutime + cstime of a {@code stat} file, or null when it cannot be read. */
  static Duration fromProcStat(Path stat) {
    String text;
    try {
      text = Files.readString(stat, StandardCharsets.US_ASCII);
    } catch (IOException | SecurityException e) {
      return null;
    }
    // Field 2 (comm) is in parentheses and may hold spaces: count fields after its ')'.
    int close = text.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    String[] f = text.substring(close + 2).trim().split("\\s+");
    // f[0] is field 3 (state); utime..cstime are fields 14..17.
    if (f.length < 15) {
      return null;
    }
    try {
      long ticks = 0;
      for (int i = 11; i <= 14; i++) {
        ticks += Long.parseLong(f[i]);
      }
      return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Duration jvmOnly() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      if (nanos >= 0) {
        return Duration.ofNanos(nanos);
      }
    }
    return Duration.ZERO;
  }
}
