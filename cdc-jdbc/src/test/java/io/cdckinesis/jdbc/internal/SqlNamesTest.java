package io.cdckinesis.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlNamesTest {

  @Test
  void identifiersAreAlwaysQuotedWithEmbeddedQuotesDoubled() {
    assertThat(SqlNames.quote("Customer")).isEqualTo("\"Customer\"");
    assertThat(SqlNames.quote("Order \"Lines\"")).isEqualTo("\"Order \"\"Lines\"\"\"");
    assertThat(SqlNames.qualified("Sales Dept", "x.y")).isEqualTo("\"Sales Dept\".\"x.y\"");
    assertThat(SqlNames.qualified(null, "t")).isEqualTo("\"t\"");
    assertThat(SqlNames.list(List.of("a", "B c"))).isEqualTo("\"a\", \"B c\"");
    assertThat(SqlNames.keyMatch("p.", List.of("a", "b"))).isEqualTo("p.\"a\" = ? AND p.\"b\" = ?");
    assertThatThrownBy(() -> SqlNames.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDerivedNameIsKeptWhenItFitsAndCutWithAHashWhenNot() {
    assertThat(SqlNames.derived("Customer", "__cdc", 63)).isEqualTo("Customer__cdc");

    String longName = "a_table_name_that_is_quite_long_and_goes_on_and_on_for_ever_x";
    String other = "a_table_name_that_is_quite_long_and_goes_on_and_on_for_ever_y";
    String a = SqlNames.derived(longName, "__cdc", 63);
    String b = SqlNames.derived(other, "__cdc", 63);

    assertThat(SqlNames.utf8Length(a)).isLessThanOrEqualTo(63);
    assertThat(a).endsWith("__cdc").startsWith("a_table_name").isNotEqualTo(b);
    assertThat(SqlNames.derived(longName, "__cdc", 63)).isEqualTo(a);
  }

  @Test
  void aDerivedNameCountsBytesAndNeverSplitsACharacter() {
    String name = "Überweisungsbestätigungen_für_Großkunden_im_Zahlungsverkehr_中文名";

    String d = SqlNames.derived(name, "__cdc", 63);

    assertThat(SqlNames.utf8Length(d)).isLessThanOrEqualTo(63);
    assertThat(d).doesNotContain("\uFFFD").endsWith("__cdc");
  }
}
