package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each SnapStart rule catches the mistake it is for, on an edited copy of the project template. */
class SnapStartValidatorTest {

  private static List<String> problemsAfter(String from, String to) throws Exception {
    String yaml = Files.readString(CfnTemplate.projectTemplatePath());
    assertThat(yaml).contains(from);
    return SnapStartValidator.validate(CfnTemplate.parse(yaml.replace(from, to), "edited.yaml"));
  }

  @Test
  void theProjectTemplateIsWired() {
    assertThat(SnapStartValidator.validate(CfnTemplate.projectTemplate())).isEmpty();
  }

  @Test
  void triggersOfTheUnqualifiedFunctionAreCaught() throws Exception {
    assertThat(problemsAfter("FunctionName: !Ref ConsumerAlias", "FunctionName: !Ref Consumer"))
        .containsExactly(
            "Resources.ConsumerEventSourceMapping.FunctionName invokes the unqualified function"
                + " Consumer ($LATEST, no snapshot); name its alias");
    assertThat(problemsAfter("Arn: !Ref SweepAlias", "Arn: !GetAtt Sweep.Arn"))
        .containsExactly(
            "Resources.SweepSchedule.Targets invokes the unqualified function Sweep ($LATEST, no"
                + " snapshot); name its alias");
    assertThat(problemsAfter("Function: !Ref ProducerAlias", "Function: !GetAtt Producer.Arn"))
        .hasSize(4)
        .allMatch(p -> p.startsWith("Resources.SourceBucket.NotificationConfiguration invokes"));
    assertThat(
            problemsAfter(
                "FunctionName: !Ref SweepAlias\n      Principal",
                "FunctionName: !GetAtt Sweep.Arn\n      Principal"))
        .containsExactly(
            "Resources.SweepInvokePermission.FunctionName: permits invokes the unqualified function"
                + " Sweep ($LATEST, no snapshot); name its alias");
  }

  @Test
  void anInvokeConfigOfLatestOrWithoutItsAliasIsCaught() throws Exception {
    assertThat(
            problemsAfter(
                "      FunctionName: !Ref Sweep\n      Qualifier: live",
                "      FunctionName: !Ref Sweep\n      Qualifier: $LATEST"))
        .singleElement()
        .asString()
        .startsWith(
            "Resources.SweepEventInvokeConfig.Qualifier '$LATEST' is not an alias of Sweep");
    assertThat(problemsAfter("    DependsOn: ProducerAlias\n", ""))
        .containsExactly(
            "Resources.ProducerEventInvokeConfig: DependsOn the alias it qualifies (the Qualifier"
                + " is a plain name)");
  }

  @Test
  void aVersionThatCanBeDeletedOrNoAliasIsCaught() throws Exception {
    assertThat(
            problemsAfter(
                "  ConsumerVersion:\n    Type: AWS::Lambda::Version\n    DeletionPolicy: Retain\n",
                "  ConsumerVersion:\n    Type: AWS::Lambda::Version\n"))
        .singleElement()
        .asString()
        .startsWith("Resources.ConsumerVersion: DeletionPolicy must be Retain");
    assertThat(
            problemsAfter(
                "FunctionVersion: !GetAtt ProducerVersion.Version", "FunctionVersion: $LATEST"))
        .containsExactly(
            "Resources.Producer: no AWS::Lambda::Alias points at its published version"
                + " (FunctionVersion: !GetAtt <Version>.Version)");
  }
}
