package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StructureValidatorTest {

  private static List<String> problems(String yaml) {
    return new StructureValidator().validate(CfnTemplate.parse(yaml, "test.yaml"));
  }

  @Test
  void theProjectTemplateIsWellFormed() {
    assertThat(new StructureValidator().validate(CfnTemplate.projectTemplate())).isEmpty();
  }

  @Test
  void defaultsMustMeetTheirOwnConstraints() {
    assertThat(
            problems(
                """
                Parameters:
                  A: {Type: String, Default: 'ab', AllowedPattern: '^[a-z]{3,}$'}
                  B: {Type: Number, Default: -1, MinValue: 0, MaxValue: 10}
                  C: {Type: Number, Default: 11, MaxValue: 10}
                  D: {Type: String, Default: maybe, AllowedValues: ['true', 'false']}
                  E: {Type: String, Default: '', MinLength: 1}
                  F: {Type: Number, Default: many}
                  G: {Type: String, Default: '', AllowedPattern: '^$|^[a-z]+$'}
                Resources: {}
                """))
        .containsExactlyInAnyOrder(
            "Parameters.A: Default 'ab' does not match AllowedPattern",
            "Parameters.B: Default -1 is below MinValue",
            "Parameters.C: Default 11 is above MaxValue",
            "Parameters.D: Default 'maybe' is not one of AllowedValues",
            "Parameters.E: Default is shorter than MinLength",
            "Parameters.F: Default 'many' is not a number");
  }

  @Test
  void unknownSectionsParameterKeysAndTypesAndOutputsWithoutValue() {
    assertThat(
            problems(
                """
                Parameter: {}
                Parameters:
                  A: {Type: Strin, Defualt: x}
                  B: {Type: 'List<AWS::EC2::Subnet::Id>'}
                  C: {Type: 'AWS::EC2::SecurityGroup::Id'}
                Resources: {}
                Outputs:
                  O: {Description: nothing}
                """))
        .containsExactlyInAnyOrder(
            "Parameter: unknown template section",
            "Parameters.A: unknown parameter key Defualt",
            "Parameters.A: unknown parameter type 'Strin'",
            "Outputs.O: no Value");
  }
}
