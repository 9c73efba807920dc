package io.cdckinesis.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decisions behind every fault: reproducible by seed, at the planned rates, bounded. */
class FaultInjectorTest {

  private static final FaultPlan MIX =
      FaultPlan.parse(
          "throttle=0.2,errors=0.05,resets=0.1,timeouts=0.05,s3-breaks=0.3,handler-errors=0.1,"
              + "crash=3,on=PutRecords+GetObject+PutObject,seed=11");

  /** A fixed sequence of decisions of every kind, as strings. */
  private static List<String> script(FaultInjector f) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      out.add("call " + f.decideCall(FaultOperation.values()[i % 3]));
      out.add("throttle " + f.decideThrottled(17));
      out.add("break " + f.decideBreak("host:1/b/key" + (i % 7), 1000));
      out.add("handler " + f.nextHandlerError());
    }
    out.add("crash " + Arrays.toString(f.crashPoints(1000)));
    return out;
  }

  @Test
  void sameSeedMakesTheSameDecisions() {
    assertThat(script(FaultInjector.of(MIX))).isEqualTo(script(FaultInjector.of(MIX)));
  }

  @Test
  void anotherSeedMakesOtherDecisions() {
    assertThat(script(FaultInjector.of(MIX.toBuilder().seed(12).build())))
        .isNotEqualTo(script(FaultInjector.of(MIX)));
  }

  @Test
  void callFaultsComeAtThePlannedRatesAndSplitBeforeAndAfterSend() {
    FaultInjector f =
        FaultInjector.of(
            FaultPlan.parse("errors=0.1,resets=0.2,timeouts=0.05,after-send=0.25,seed=5"));
    Map<FaultKind, Integer> seen = new EnumMap<>(FaultKind.class);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      FaultKind k = f.decideCall(FaultOperation.PUT_RECORDS);
      if (k != null) {
        seen.merge(k, 1, Integer::sum);
      }
    }

    assertThat(rate(seen, n, FaultKind.CALL_ERROR)).isCloseTo(0.1, within(0.005));
    assertThat(rate(seen, n, FaultKind.RESET_BEFORE_SEND)).isCloseTo(0.15, within(0.005));
    assertThat(rate(seen, n, FaultKind.RESET_AFTER_SEND)).isCloseTo(0.05, within(0.005));
    assertThat(rate(seen, n, FaultKind.TIMEOUT_BEFORE_SEND)).isCloseTo(0.0375, within(0.004));
    assertThat(rate(seen, n, FaultKind.TIMEOUT_AFTER_SEND)).isCloseTo(0.0125, within(0.003));
  }

  @Test
  void errorsHitOnlyPutRecordsAndResetsOnlyTheOperationsNamed() {
    FaultInjector f = FaultInjector.of(FaultPlan.parse("errors=0.5,resets=0.5,on=PutObject"));
    List<FaultKind> getObject = new ArrayList<>();
    List<FaultKind> putObject = new ArrayList<>();
    List<FaultKind> putRecords = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      getObject.add(f.decideCall(FaultOperation.GET_OBJECT));
      putObject.add(f.decideCall(FaultOperation.PUT_OBJECT));
      putRecords.add(f.decideCall(FaultOperation.PUT_RECORDS));
    }

    assertThat(getObject).containsOnlyNulls();
    assertThat(putObject)
        .doesNotContain(FaultKind.CALL_ERROR)
        .contains(FaultKind.RESET_BEFORE_SEND, FaultKind.RESET_AFTER_SEND, null);
    assertThat(putRecords).containsOnly(FaultKind.CALL_ERROR, null);
  }

  @Test
  void throttlesTheFractionOfEntries() {
    FaultInjector f = FaultInjector.of(FaultPlan.parse("throttle=0.2,seed=3"));
    long throttled = 0;
    for (int i = 0; i < 200; i++) {
      BitSet b = f.decideThrottled(500);
      assertThat(b.length()).isLessThanOrEqualTo(500);
      throttled += b.cardinality();
    }
    assertThat(throttled / 100_000.0).isCloseTo(0.2, within(0.005));
    assertThat(FaultInjector.of(FaultPlan.none()).decideThrottled(500).isEmpty()).isTrue();
  }

  @Test
  void bodyBreaksFallInsideTheBodyAndStopAtTheCapPerObject() {
    FaultInjector f = FaultInjector.of(FaultPlan.parse("s3-breaks=1,s3-breaks-per-object=2"));

    long first = f.decideBreak("h:1/b/a", 10);
    long second = f.decideBreak("h:1/b/a", 10);
    long third = f.decideBreak("h:1/b/a", 10);
    long other = f.decideBreak("h:1/b/other", 2);

    assertThat(first).isBetween(1L, 9L);
    assertThat(second).isBetween(1L, 9L);
    assertThat(third).isEqualTo(-1);
    assertThat(other).isEqualTo(1);
    assertThat(f.decideBreak("h:1/b/tiny", 1)).isEqualTo(-1);
    assertThat(f.decideBreak("h:1/b/unknown-length", -1)).isEqualTo(-1);
  }

  @Test
  void handlerErrorsAreDrawnAndCounted() {
    FaultInjector f = FaultInjector.of(FaultPlan.parse("handler-errors=0.25,seed=4"));
    int failed = 0;
    for (int i = 0; i < 10_000; i++) {
      if (f.nextHandlerError()) {
        failed++;
      }
    }

    assertThat(failed / 10_000.0).isCloseTo(0.25, within(0.02));
    assertThat(f.counts().get(FaultKind.HANDLER_ERROR)).isEqualTo(failed);
    assertThat(f.counts().handlerCalls()).isEqualTo(10_000);
    assertThat(FaultInjector.of(FaultPlan.none()).nextHandlerError()).isFalse();
  }

  @Test
  void crashPointsAreDistinctAscendingAndInsideTheFile() {
    FaultInjector f = FaultInjector.of(FaultPlan.parse("crash=3"));

    long[] points = f.crashPoints(10);

    assertThat(points).hasSize(3).isSorted().doesNotHaveDuplicates();
    assertThat(Arrays.stream(points).boxed().toList()).allMatch(p -> p >= 1 && p < 10);
    assertThat(f.crashPoints(3)).containsExactly(1, 2);
    assertThat(f.crashPoints(1)).isEmpty();
    assertThat(FaultInjector.of(FaultPlan.none()).crashPoints(100)).isEmpty();
  }

  @Test
  void countsWhatTheCallerRecordsAndDescribesIt() {
    FaultInjector f = FaultInjector.of(FaultPlan.parse("crash=1,duplicate-events"));
    f.recordProducerCrash();
    f.recordDuplicateEvent();
    f.recordDuplicateEvent();
    f.count(FaultKind.THROTTLED_ENTRY, 812);
    f.sawEntries(4100);

    FaultCounts c = f.counts();

    assertThat(c.get(FaultKind.PRODUCER_CRASH)).isEqualTo(1);
    assertThat(c.get(FaultKind.DUPLICATE_EVENT)).isEqualTo(2);
    assertThat(c.total()).isEqualTo(815);
    assertThat(c.describe())
        .isEqualTo(
            String.format(
                "injected: %,d throttled entries (of %,d), 1 producer crashes, 2 duplicated events",
                812, 4100));
    assertThat(FaultInjector.of(FaultPlan.none()).counts().describe())
        .isEqualTo("injected: nothing");
  }

  private static double rate(Map<FaultKind, Integer> seen, int n, FaultKind k) {
    return seen.getOrDefault(k, 0) / (double) n;
  }
}
