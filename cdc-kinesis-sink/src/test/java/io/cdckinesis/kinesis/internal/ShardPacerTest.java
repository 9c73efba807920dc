package io.cdckinesis.kinesis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-shard pacer on a fake clock (nanoseconds passed in). */
class ShardPacerTest {

  private static final long MS = 1_000_000L;
  private static final long WINDOW = ShardPacer.WINDOW_NANOS;
  private static final long T0 = 1_000_000_000_000L;

  private final ShardPacer pacer = new ShardPacer(1024 * 1024, 1000);

  /** A dispatch answered at once. */
  private ShardPacer.Slot send(long now, long records, long bytes) {
    ShardPacer.Slot s = pacer.take(now, records, bytes);
    pacer.settle(s, now, false);
    return s;
  }

  @Test
  void offersAShardItsRecordLimitPerSlidingWindowAndNoMore() {
    assertThat(pacer.fits(T0, 600, 600 * 300)).isTrue();
    send(T0, 600, 600 * 300);
    send(T0 + 400 * MS, 400, 400 * 300);
    assertThat(pacer.availableRecords(T0 + 500 * MS)).isZero();
    assertThat(pacer.fits(T0 + 500 * MS, 1, 300)).isFalse();
    // the first 600 leave the window one window after they were sent
    assertThat(pacer.whenFits(T0 + 500 * MS, 100, 100 * 300)).isEqualTo(T0 + WINDOW);
    assertThat(pacer.fits(T0 + WINDOW - 1, 1, 300)).isFalse();
    assertThat(pacer.availableRecords(T0 + WINDOW)).isEqualTo(600);
    // the second slot must leave too before 700 fit
    assertThat(pacer.whenFits(T0 + WINDOW, 700, 700 * 300)).isEqualTo(T0 + 400 * MS + WINDOW);
  }

  @Test
  void theByteLimitBindsForLargeRecords() {
    send(T0, 2, 1000 * 1024);
    assertThat(pacer.availableRecords(T0)).isEqualTo(998);
    assertThat(pacer.availableBytes(T0)).isEqualTo(24 * 1024);
    assertThat(pacer.fits(T0, 1, 25 * 1024)).isFalse();
    assertThat(pacer.fits(T0, 1, 24 * 1024)).isTrue();
    assertThat(pacer.whenFits(T0, 1, 64 * 1024)).isEqualTo(T0 + WINDOW);
  }

  @Test
  void anItemLargerThanTheWholeBudgetGoesAloneIntoAnEmptyWindow() {
    for (int i = 0; i < 10; i++) {
      pacer.throttled(T0 + i * WINDOW); // budget down to a fraction
    }
    assertThat(pacer.capBytes()).isLessThan(512 * 1024);
    long now = T0 + 10 * WINDOW;
    assertThat(pacer.fits(now, 1, 1024 * 1024)).isTrue();
    send(now, 1, 1024 * 1024);
    assertThat(pacer.fits(now, 1, 1)).isFalse();
    assertThat(pacer.whenFits(now, 1, 1024 * 1024)).isEqualTo(now + WINDOW);
  }

  @Test
  void anEntryCountsFromItsDispatchUntilASecondAfterItsAnswer() {
    ShardPacer.Slot inFlight = pacer.take(T0, 1000, 1000);
    assertThat(pacer.availableRecords(T0 + 5 * WINDOW)).isZero(); // no answer yet
    assertThat(pacer.whenFits(T0 + 5 * WINDOW, 1, 1)).isEqualTo(Long.MAX_VALUE);
    long answered = T0 + 5 * WINDOW + 30 * MS;
    pacer.settle(inFlight, answered, false);
    assertThat(pacer.availableRecords(answered + WINDOW - 1)).isZero();
    assertThat(pacer.whenFits(answered, 1, 1)).isEqualTo(answered + WINDOW);
    assertThat(pacer.availableRecords(answered + WINDOW)).isEqualTo(1000);
    pacer.settle(inFlight, answered + 2 * WINDOW, false); // settling twice changes nothing
    assertThat(pacer.availableRecords(answered + WINDOW)).isEqualTo(1000);
  }

  @Test
  void refusedEntriesLeaveTheBudgetWhenAnswered() {
    ShardPacer.Slot kept = pacer.take(T0, 700, 700);
    ShardPacer.Slot refused = pacer.take(T0, 300, 300);
    assertThat(pacer.availableRecords(T0)).isZero();
    pacer.settle(kept, T0 + 30 * MS, false);
    pacer.settle(refused, T0 + 30 * MS, true);
    assertThat(pacer.availableRecords(T0 + 30 * MS)).isEqualTo(300);
  }

  @Test
  void throttlingLowersTheBudgetOncePerFifthOfAWindowAndRestsTheShard() {
    send(T0, 900, 900 * 300); // the shard took 90% of its second
    assertThat(pacer.throttled(T0)).isEqualTo(1);
    double once = pacer.factor();
    assertThat(once).isEqualTo(ShardPacer.DECREASE);
    assertThat(pacer.throttled(T0 + 10 * MS)).isEqualTo(2); // same episode: no second decrease
    assertThat(pacer.factor()).isEqualTo(once);
    pacer.throttled(T0 + WINDOW / 5);
    assertThat(pacer.factor()).isEqualTo(once * ShardPacer.DECREASE);
    assertThat(pacer.capRecords()).isEqualTo((long) (1000 * pacer.factor()));

    ShardPacer resting = new ShardPacer(1024 * 1024, 1000);
    resting.restUntil(T0 + 500 * MS);
    assertThat(resting.fits(T0 + 499 * MS, 1, 1)).isFalse();
    assertThat(resting.whenFits(T0 + 300 * MS, 1, 1)).isEqualTo(T0 + 500 * MS);
    assertThat(resting.fits(T0 + 500 * MS, 1, 1)).isTrue();
  }

  @Test
  void aShardThatTookLessThanItsLimitBeforeThrottlingGetsThatMuchAsItsBudget() {
    // another writer uses 60% of the shard: it took 400 of our records in its second
    send(T0, 400, 400 * 300);
    pacer.throttled(T0 + 30 * MS);
    assertThat(pacer.capRecords()).isEqualTo(400);
    // with nothing taken in the window, the budget bottoms out, not at zero
    ShardPacer idle = new ShardPacer(1024 * 1024, 1000);
    idle.throttled(T0);
    assertThat(idle.factor()).isEqualTo(ShardPacer.MIN_FACTOR);
  }

  @Test
  void aThrottleFreeWindowRaisesTheBudgetBackStepByStep() {
    pacer.throttled(T0);
    double low = pacer.factor();
    pacer.accepted(T0 + WINDOW / 2); // too soon after the throttle
    assertThat(pacer.factor()).isEqualTo(low);
    pacer.accepted(T0 + WINDOW + 1_000_000_000L); // a second after the quiet window began
    assertThat(pacer.factor())
        .isCloseTo(
            Math.min(1.0, low + ShardPacer.INCREASE_PER_SECOND),
            org.assertj.core.data.Offset.offset(1e-6));
    pacer.accepted(T0 + 100 * WINDOW);
    assertThat(pacer.factor()).isEqualTo(1.0);
    // an accepted answer ends a streak of throttles
    assertThat(pacer.throttled(T0 + 101 * WINDOW)).isEqualTo(1);
    assertThat(pacer.throttled(T0 + 102 * WINDOW)).isEqualTo(2);
    pacer.accepted(T0 + 102 * WINDOW + MS);
    assertThat(pacer.throttled(T0 + 103 * WINDOW)).isEqualTo(1);
  }
}
