package io.cdckinesis.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.local.faults.FaultKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reliability suite: the whole pipeline on the local servers with faults injected at fixed
 * seeds; every run must end with the consumer's replica equal to the source, every change applied
 * exactly once in effect, and nothing dead-lettered.
 */
class ReliabilityIT {

  static List<Arguments> faults() {
    return List.of(
        Arguments.of("throttle=0.2,errors=0.01", List.of(FaultKind.THROTTLED_ENTRY)),
        Arguments.of(
            "resets=0.1,timeouts=0.1,after-send=0.5",
            List.of(
                FaultKind.RESET_BEFORE_SEND,
                FaultKind.RESET_AFTER_SEND,
                FaultKind.TIMEOUT_BEFORE_SEND,
                FaultKind.TIMEOUT_AFTER_SEND)),
        Arguments.of("s3-breaks=0.5", List.of(FaultKind.S3_BODY_BREAK)),
        Arguments.of("crash=3", List.of(FaultKind.PRODUCER_CRASH)),
        Arguments.of("duplicate-events", List.of(FaultKind.DUPLICATE_EVENT)),
        Arguments.of("handler-errors=0.05", List.of(FaultKind.HANDLER_ERROR)),
        Arguments.of(
            "default",
            List.of(
                FaultKind.THROTTLED_ENTRY,
                FaultKind.S3_BODY_BREAK,
                FaultKind.PRODUCER_CRASH,
                FaultKind.HANDLER_ERROR,
                FaultKind.DUPLICATE_EVENT)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void theReplicaEqualsTheSourceDespiteTheFaults(String spec, List<FaultKind> expected)
      throws Exception {
    DemoReport r =
        DemoPipeline.run(
            new DemoOptions(200, 3, 600, 6, 2, false, null, spec, 11)
                .withSituations(java.util.Set.of()), // exact counts: no truncate, no DDL
            false);

    assertThat(r.differences()).as("replica vs source").isEmpty();
    // The replica is a JdbcTableHandler: it keeps positions in its own transactions and skips a
    // redelivered change itself, so the handler may be handed a change more than once (its effect
    // once; cdc-jdbc's ExactlyOnceIT counts effects with a non-idempotent log).
    assertThat(r.applied()).as("every change handed to the replica").isGreaterThanOrEqualTo(1200);
    assertThat(r.deadLettered()).isZero();
    // Each listed category was injected (which kind within it depends on thread timing).
    assertThat(expected.stream().mapToLong(k -> r.injected().get(k)).sum())
        .as("%s injected", expected)
        .isPositive();
    if (spec.equals("default")) {
      assertThat(expected)
          .allSatisfy(k -> assertThat(r.injected().get(k)).as("%s", k).isPositive());
    }
  }
}
