package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The template against the current CloudFormation resource specification (npm
 * {@code @aws-cdk/aws-service-spec}, installed by {@link ServiceSpecInstallation}): resource types,
 * property names (recursively), required properties, value shapes, and every reference.
 */
class TemplateSpecIT {

  static ServiceSpec spec;

  @BeforeAll
  static void loadSpec() {
    spec = ServiceSpec.load(ServiceSpecInstallation.ensureInstalled());
  }

  private static List<String> specProblems(String yaml) {
    return new SpecValidator(spec).validate(CfnTemplate.parse(yaml, "test.yaml"));
  }

  private static List<String> referenceProblems(String yaml) {
    return new ReferenceValidator(spec).validate(CfnTemplate.parse(yaml, "test.yaml"));
  }

  @Test
  void theSpecIsCurrent() {
    // properties added in recent years, which the old 2019 specifications lack
    assertThat(spec.resourceTypeCount()).isGreaterThan(1000);
    assertThat(spec.resource("AWS::Lambda::EventSourceMapping").orElseThrow().properties())
        .containsKeys("FunctionResponseTypes", "BisectBatchOnFunctionError", "DestinationConfig");
    assertThat(spec.resource("AWS::Kinesis::Stream").orElseThrow().properties())
        .containsKey("StreamModeDetails");
    assertThat(spec.resource("AWS::Lambda::Function").orElseThrow().properties())
        .containsKeys("LoggingConfig", "SnapStart");
  }

  @Test
  void theProjectTemplateMatchesTheSpec() {
    assertThat(new SpecValidator(spec).validate(CfnTemplate.projectTemplate())).isEmpty();
  }

  @Test
  void theProjectTemplatesReferencesResolve() {
    assertThat(new ReferenceValidator(spec).validate(CfnTemplate.projectTemplate())).isEmpty();
  }

  @Test
  void aMistakeInTheProjectTemplateIsCaught() throws Exception {
    String yaml =
        java.nio.file.Files.readString(CfnTemplate.projectTemplatePath())
            .replace("BisectBatchOnFunctionError: true", "BisectBatchOnError: true")
            .replace("!GetAtt ConsumerFailureQueue.Arn", "!GetAtt ConsumerFailureQueue.Ar")
            .replace("!Ref ProducerLogGroup", "!Ref ProducerLogGroupp");
    assertThat(specProblems(yaml))
        .containsExactly(
            "Resources.ConsumerEventSourceMapping.Properties.BisectBatchOnError:"
                + " AWS::Lambda::EventSourceMapping has no property BisectBatchOnError");
    assertThat(referenceProblems(yaml))
        .contains(
            "Resources.Producer.Properties.LoggingConfig.LogGroup: Ref to ProducerLogGroupp, which"
                + " is no parameter or resource")
        .anyMatch(p -> p.contains("AWS::SQS::Queue has no attribute Ar "));
  }

  // --- the spec check catches ---

  @Test
  void anUnknownResourceType() {
    assertThat(specProblems("Resources:\n  Q: {Type: AWS::SQS::Queueue}\n"))
        .containsExactly(
            "Resources.Q: resource type AWS::SQS::Queueue is not in the resource specification");
  }

  @Test
  void anUnknownProperty() {
    assertThat(
            specProblems(
                "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {MessageRetention: 60}}\n"))
        .containsExactly(
            "Resources.Q.Properties.MessageRetention: AWS::SQS::Queue has no property"
                + " MessageRetention");
  }

  @Test
  void anUnknownPropertyInsideAPropertyType() {
    assertThat(
            specProblems(
                """
                Resources:
                  M:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: f
                      DestinationConfig: {OnFailure: {Destinaton: arn}}
                """))
        .containsExactly(
            "Resources.M.Properties.DestinationConfig.OnFailure.Destinaton: OnFailure has no"
                + " property Destinaton");
  }

  @Test
  void anUnknownPropertyInAnIfBranchOrAListElement() {
    assertThat(
            specProblems(
                """
                Resources:
                  B:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration: !If [C, {Status: Enabled, Mfa: x}, !Ref AWS::NoValue]
                      BucketEncryption:
                        ServerSideEncryptionConfiguration:
                          - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256, Key: k}
                """))
        .containsExactlyInAnyOrder(
            "Resources.B.Properties.VersioningConfiguration(Fn::If branch 1).Mfa:"
                + " VersioningConfiguration has no property Mfa",
            "Resources.B.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]"
                + ".ServerSideEncryptionByDefault.Key: ServerSideEncryptionByDefault has no"
                + " property Key");
  }

  @Test
  void aMissingRequiredProperty() {
    assertThat(specProblems("Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {}}\n"))
        .contains(
            "Resources.F.Properties: required property Code of AWS::Lambda::Function missing",
            "Resources.F.Properties: required property Role of AWS::Lambda::Function missing");
  }

  @Test
  void aValueOfTheWrongShape() {
    assertThat(
            specProblems(
                """
                Resources:
                  S:
                    Type: AWS::Kinesis::Stream
                    Properties: {StreamModeDetails: ON_DEMAND, ShardCount: [1]}
                """))
        .containsExactlyInAnyOrder(
            "Resources.S.Properties.StreamModeDetails: expected a StreamModeDetails mapping, got"
                + " 'ON_DEMAND'",
            "Resources.S.Properties.ShardCount: expected a number, got a list");
  }

  @Test
  void anUnknownResourceAttribute() {
    assertThat(specProblems("Resources:\n  Q: {Type: AWS::SQS::Queue, DeletePolicy: Retain}\n"))
        .containsExactly("Resources.Q: unknown resource attribute 'DeletePolicy'");
  }

  // --- the reference check catches ---

  @Test
  void aDanglingRef() {
    assertThat(
            referenceProblems(
                "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: !Ref Nam}}\n"))
        .containsExactly(
            "Resources.Q.Properties.QueueName: Ref to Nam, which is no parameter or resource");
  }

  @Test
  void aDanglingGetAttAndAnUnknownAttribute() {
    assertThat(
            referenceProblems(
                """
                Resources:
                  Q: {Type: AWS::SQS::Queue}
                  P:
                    Type: AWS::SQS::QueuePolicy
                    Properties:
                      Queues: [!GetAtt Q.QueueUrl, !GetAtt Queue.Arn, !GetAtt Q.Url]
                      PolicyDocument: {}
                """))
        .containsExactly(
            "Resources.P.Properties.Queues[1]: GetAtt of Queue, which is no resource",
            "Resources.P.Properties.Queues[2]: AWS::SQS::Queue has no attribute Url (it has"
                + " [Arn, QueueName, QueueUrl])");
  }

  @Test
  void aDanglingSubVariable() {
    assertThat(
            referenceProblems(
                """
                Parameters:
                  Prefix: {Type: String}
                Resources:
                  Q:
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: !Sub '${Prefix}-${AWS::Region}-${Sufix}-${!Literal}'
                      Tags: [{Key: k, Value: !Sub ['${X}', {X: !Ref Prefix}]}]
                """))
        .containsExactly(
            "Resources.Q.Properties.QueueName ${Sufix}: Ref to Sufix, which is no parameter or"
                + " resource");
  }

  @Test
  void anUndefinedOrUnusedConditionAndAnUnusedParameter() {
    assertThat(
            referenceProblems(
                """
                Parameters:
                  Unused: {Type: String}
                  P: {Type: String}
                Conditions:
                  Defined: !Equals [!Ref P, x]
                Resources:
                  Q:
                    Type: AWS::SQS::Queue
                    Condition: Undefined
                    Properties:
                      DelaySeconds: !If [AlsoUndefined, 1, 2]
                """))
        .containsExactlyInAnyOrder(
            "Resources.Q.Condition: condition Undefined is not defined",
            "Resources.Q.Properties.DelaySeconds: condition AlsoUndefined is not defined",
            "Parameters.Unused: parameter is never used",
            "Conditions.Defined: condition is never used");
  }

  @Test
  void aReferenceToAConditionalResourceWhereItsConditionMayNotHold() {
    String yaml =
        """
        Parameters:
          P: {Type: String}
        Conditions:
          Make: !Equals [!Ref P, x]
          MakeAndMore: !And [!Condition Make, !Equals [!Ref P, x]]
        Resources:
          Q: {Type: AWS::SQS::Queue, Condition: Make}
          Guarded:
            Type: AWS::SQS::Queue
            Properties: {QueueName: !If [Make, !GetAtt Q.QueueName, none]}
          Implied: {Type: AWS::SQS::Queue, Condition: MakeAndMore, DependsOn: Q}
          Unguarded:
            Type: AWS::SQS::Queue
            DependsOn: Q
            Properties: {QueueName: !Sub '${Q.QueueName}-2'}
        """;
    assertThat(referenceProblems(yaml))
        .containsExactlyInAnyOrder(
            "Resources.Unguarded.DependsOn: refers to Q, which exists only if Make, where that"
                + " condition is not known to hold (use Fn::If)",
            "Resources.Unguarded.Properties.QueueName ${Q.QueueName}: refers to Q, which exists"
                + " only if Make, where that condition is not known to hold (use Fn::If)");
  }
}
