package io.cdckinesis.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

  @Test
  void parsesEveryKeyOfTheReliabilitySpec() {
    FaultPlan plan =
        FaultPlan.parse(
            "throttle=0.2,errors=0.01,resets=0.01,timeouts=0.005,s3-breaks=0.3,crash=3,"
                + "handler-errors=0.02,duplicate-events,seed=42");

    assertThat(plan.throttle()).isEqualTo(0.2);
    assertThat(plan.errors()).isEqualTo(0.01);
    assertThat(plan.resets()).isEqualTo(0.01);
    assertThat(plan.timeouts()).isEqualTo(0.005);
    assertThat(plan.s3Breaks()).isEqualTo(0.3);
    assertThat(plan.crash()).isEqualTo(3);
    assertThat(plan.handlerErrors()).isEqualTo(0.02);
    assertThat(plan.duplicateEvents()).isTrue();
    assertThat(plan.seed()).isEqualTo(42);
    assertThat(plan.isNone()).isFalse();
  }

  @Test
  void defaultsInjectNothingWithAFixedSeed() {
    FaultPlan plan = FaultPlan.parse("");

    assertThat(plan).isEqualTo(FaultPlan.none()).isEqualTo(FaultPlan.parse("none"));
    assertThat(plan.isNone()).isTrue();
    assertThat(plan.seed()).isEqualTo(1);
    assertThat(plan.afterSend()).isEqualTo(0.5);
    assertThat(plan.on())
        .containsExactlyInAnyOrder(FaultOperation.PUT_RECORDS, FaultOperation.GET_OBJECT);
    assertThat(plan.s3BreaksPerObject()).isEqualTo(3);
    assertThat(plan.describe()).isEqualTo("Faults: none.");
  }

  @Test
  void acceptsPercentagesSpacesAndTheOtherKeys() {
    FaultPlan plan =
        FaultPlan.parse(
            " throttle = 20% , after-send=1, on=PutRecords+putobject, s3-breaks-per-object=1,"
                + " duplicate-events=false ");

    assertThat(plan.throttle()).isEqualTo(0.2);
    assertThat(plan.afterSend()).isEqualTo(1.0);
    assertThat(plan.on()).isEqualTo(Set.of(FaultOperation.PUT_RECORDS, FaultOperation.PUT_OBJECT));
    assertThat(plan.s3BreaksPerObject()).isEqualTo(1);
    assertThat(plan.duplicateEvents()).isFalse();
  }

  @Test
  void defaultItemStandsForTheReliabilityMixAndLaterItemsWin() {
    FaultPlan plan = FaultPlan.parse("default,throttle=0.5,seed=9");

    assertThat(plan)
        .isEqualTo(
            FaultPlan.parse(FaultPlan.DEFAULT_SPEC).toBuilder().throttle(0.5).seed(9).build());
  }

  @Test
  void specRoundTrips() {
    FaultPlan plan =
        FaultPlan.builder()
            .throttle(0.2)
            .errors(0.01)
            .resets(0.03)
            .timeouts(0.005)
            .afterSend(0.25)
            .on(FaultOperation.PUT_OBJECT, FaultOperation.GET_OBJECT)
            .s3Breaks(0.3)
            .s3BreaksPerObject(5)
            .crash(2)
            .handlerErrors(0.02)
            .duplicateEvents(true)
            .seed(-7)
            .build();

    assertThat(FaultPlan.parse(plan.toSpec())).isEqualTo(plan);
    assertThat(FaultPlan.parse(FaultPlan.none().toSpec())).isEqualTo(FaultPlan.none());
    assertThat(plan.toSpec()).startsWith("throttle=0.2,errors=0.01,").endsWith(",seed=-7");
  }

  @Test
  void unknownKeyIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> FaultPlan.parse("throttle=0.2,throtle=0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'throtle'")
        .hasMessageContaining("known: throttle, errors, resets");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> FaultPlan.parse("errors=lots"))
        .hasMessageContaining("'errors' must be a fraction like 0.2 or 20%, got 'lots'");
    assertThatThrownBy(() -> FaultPlan.parse("throttle=1.5"))
        .hasMessageContaining("'throttle' must be a fraction from 0 to 1");
    assertThatThrownBy(() -> FaultPlan.parse("s3-breaks=-0.1")).hasMessageContaining("'s3-breaks'");
    assertThatThrownBy(() -> FaultPlan.parse("timeouts=NaN")).hasMessageContaining("'timeouts'");
    assertThatThrownBy(() -> FaultPlan.parse("crash=three"))
        .hasMessageContaining("'crash' must be a whole number, got 'three'");
    assertThatThrownBy(() -> FaultPlan.parse("crash=-1")).hasMessageContaining("'crash'");
    assertThatThrownBy(() -> FaultPlan.parse("seed=")).hasMessageContaining("'seed' needs a value");
    assertThatThrownBy(() -> FaultPlan.parse("throttle"))
        .hasMessageContaining("'throttle' needs a value");
    assertThatThrownBy(() -> FaultPlan.parse("duplicate-events=maybe"))
        .hasMessageContaining("'duplicate-events' is a flag");
    assertThatThrownBy(() -> FaultPlan.parse("on=PutRecords+DeleteStream"))
        .hasMessageContaining(
            "'on': unknown operation 'DeleteStream'; known: PutRecords, GetObject, PutObject");
    assertThatThrownBy(() -> FaultPlan.parse("s3-breaks-per-object=0"))
        .hasMessageContaining("'s3-breaks-per-object' must be at least 1");
    assertThatThrownBy(() -> FaultPlan.parse("throttle=0.1,,errors=0.1"))
        .hasMessageContaining("empty item");
  }

  @Test
  void oneCallGetsAtMostOneWholeCallFault() {
    assertThatThrownBy(() -> FaultPlan.parse("errors=0.5,resets=0.4,timeouts=0.2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("errors + resets + timeouts");
    assertThat(FaultPlan.parse("errors=0.5,resets=0.3,timeouts=0.2").timeouts()).isEqualTo(0.2);
  }

  @Test
  void describeSaysWhatWillBeInjected() {
    String text = FaultPlan.parse("default,seed=3").describe();

    assertThat(text)
        .contains("seed 3")
        .contains(
            "Kinesis PutRecords: 20% of entries answered ProvisionedThroughputExceededException"
                + " and not written; 1% of calls answered 500 InternalFailure, nothing written.")
        .contains("Connection resets on 1% and timeouts on 0.5% of PutRecords, GetObject calls")
        .contains("50% of them after the server carried the call out")
        .contains(
            "S3 GetObject: 30% of bodies die part-way with a connection reset, at most 3 per object.")
        .contains("Producer: 3 crashes per file.")
        .contains("Consumer: 2% of handler calls fail transiently; events are delivered twice.");
  }
}
