package io.cdckinesis.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SituationTest {

  @Test
  void theDefaultIsEverySituationButTheReload() {
    assertThat(Situation.parse("default"))
        .isEqualTo(Situation.defaults())
        .isEqualTo(EnumSet.complementOf(EnumSet.of(Situation.RELOAD)));
    assertThat(Situation.describe(Situation.defaults()))
        .isEqualTo("parallel-load,lob,add-column,truncate");
  }

  @Test
  void listsAllAndNoneParseCaseAndSpacesAside() {
    assertThat(Situation.parse(" LOB , truncate"))
        .containsExactly(Situation.LOB, Situation.TRUNCATE);
    assertThat(Situation.parse("all")).containsExactlyInAnyOrder(Situation.values());
    assertThat(Situation.parse("none")).isEmpty();
    assertThat(Situation.describe(Situation.parse("none"))).isEqualTo("none");
  }

  @Test
  void anUnknownNameIsNamedWithTheValidOnes() {
    assertThatThrownBy(() -> Situation.parse("lob,reloads"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--situations: no situation 'reloads' (give a comma-separated list of parallel-load,"
                + " lob, add-column, truncate, reload, or all, none, default)");
  }
}
