package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTimeTest {

  @Test
  void addsOwnAndWaitedForChildrenTimesFromProcStat(@TempDir Path dir) throws Exception {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime ...; comm may hold spaces and parentheses.
    Path stat =
        Files.writeString(
            dir.resolve("stat"),
            "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 200 0 0 1150 230 818 12 20 0 42\n");

    assertThat(CpuTime.fromProcStat(stat))
        .isEqualTo(Duration.ofMillis((1150 + 230 + 818 + 12) * 10));
    assertThat(CpuTime.fromProcStat(dir.resolve("missing"))).isNull();
    assertThat(CpuTime.fromProcStat(Files.writeString(dir.resolve("short"), "1 (x) S 1 2")))
        .isNull();
  }

  @Test
  void growsWhileThisProcessWorks() {
    Duration before = CpuTime.used();
    long spin = System.nanoTime() + 300_000_000L;
    long x = 0;
    while (System.nanoTime() < spin) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    assertThat(x).isNotNegative();
    assertThat(CpuTime.used()).isGreaterThan(before);
  }
}
