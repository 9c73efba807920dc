package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateSecurityTest {

  /**
   * Actions that may have {@code Resource "*"}: AWS offers no resource-level permission for them.
   * The template uses none today; a new one must be added here with its reason.
   */
  static final Map<String, String> RESOURCE_STAR_ALLOWED =
      Map.of(
          "xray:PutTraceSegments", "X-Ray tracing has no resource-level permissions",
          "xray:PutTelemetryRecords", "X-Ray tracing has no resource-level permissions",
          "cloudwatch:PutMetricData",
              "metrics have no ARN; narrow with the cloudwatch:namespace condition instead");

  private static final SecurityValidator VALIDATOR = new SecurityValidator(RESOURCE_STAR_ALLOWED);

  private static List<String> problems(String yaml) {
    return VALIDATOR.validate(CfnTemplate.parse(yaml, "test.yaml"));
  }

  /** A role with one Allow statement, plus a function using it with its own log group. */
  private static String roleWith(String action, String resource) {
    return """
        Resources:
          Group:
            Type: AWS::Logs::LogGroup
            Properties: {RetentionInDays: 7}
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {}
              Policies:
                - PolicyName: p
                  PolicyDocument:
                    Statement:
                      - Effect: Allow
                        Action: %s
                        Resource: %s
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              FunctionName: my-fn
              Role: !GetAtt Role.Arn
              LoggingConfig: {LogGroup: !Ref Group}
        """
        .formatted(action, resource);
  }

  @Test
  void theProjectTemplateFollowsTheRules() {
    assertThat(VALIDATOR.validate(CfnTemplate.projectTemplate())).isEmpty();
  }

  @Test
  void aWideningOfTheProjectTemplateIsCaught() throws Exception {
    String yaml =
        java.nio.file.Files.readString(CfnTemplate.projectTemplatePath())
            .replace("kinesis:PutRecords, kinesis:PutRecord,", "'kinesis:*',")
            .replace("!Sub '${StateBucket.Arn}/_cdc/state/*'", "!GetAtt StateBucket.Arn")
            .replace("MaximumRetryAttempts: !Ref MaximumRetryAttempts", "MaximumRetryAttempts: -1");
    assertThat(VALIDATOR.validate(CfnTemplate.parse(yaml, "widened.yaml")))
        .containsExactlyInAnyOrder(
            "Resources.ProducerRole.Properties.Policies[0].PolicyDocument.Statement[6] (WriteStream):"
                + " wildcard action 'kinesis:*'; name the actions",
            "Resources.ProducerRole.Properties.Policies[0].PolicyDocument.Statement[4] (TableStates):"
                + " S3 object actions need object ARNs ending with /*, got '${StateBucket.Arn}'",
            "Resources.ConsumerEventSourceMapping.MaximumRetryAttempts: -1 is outside [0, 10000]");
  }

  @Test
  void aNarrowStatementPasses() {
    assertThat(problems(roleWith("s3:GetObject", "!Sub 'arn:${AWS::Partition}:s3:::b/p/*'")))
        .isEmpty();
  }

  @Test
  void wildcardActionsAreRejected() {
    assertThat(problems(roleWith("'*'", "!Sub 'arn:${AWS::Partition}:s3:::b/*'")))
        .anyMatch(p -> p.contains("wildcard action '*'"));
    assertThat(problems(roleWith("s3:*", "!Sub 'arn:${AWS::Partition}:s3:::b/*'")))
        .anyMatch(p -> p.contains("wildcard action 's3:*'"));
    assertThat(
            problems(roleWith("[s3:GetObject, s3:Put*]", "!Sub 'arn:${AWS::Partition}:s3:::b/*'")))
        .anyMatch(p -> p.contains("wildcard action 's3:Put*'"));
  }

  @Test
  void resourceStarIsRejectedUnlessTheActionHasNoResourceLevelPermission() {
    assertThat(problems(roleWith("kinesis:PutRecords", "'*'")))
        .anyMatch(p -> p.contains("Resource \"*\" for [kinesis:PutRecords]"));
    assertThat(problems(roleWith("xray:PutTraceSegments", "'*'"))).isEmpty();
    assertThat(problems(roleWith("[xray:PutTraceSegments, sqs:SendMessage]", "'*'")))
        .anyMatch(p -> p.contains("Resource \"*\" for [sqs:SendMessage]"));
  }

  @Test
  void wildcardsAreOnlyAllowedAtTheEndOfObjectArns() {
    assertThat(
            problems(
                roleWith(
                    "kinesis:PutRecords",
                    "!Sub 'arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/*'")))
        .anyMatch(p -> p.contains("wildcard resource"));
    assertThat(problems(roleWith("s3:GetObject", "!Sub 'arn:${AWS::Partition}:s3:::b*/x/*'")))
        .anyMatch(p -> p.contains("wildcard resource"));
  }

  @Test
  void s3ObjectActionsNeedObjectArnsAndBucketActionsBucketArns() {
    assertThat(problems(roleWith("s3:GetObject", "!Sub 'arn:${AWS::Partition}:s3:::bucket'")))
        .anyMatch(p -> p.contains("S3 object actions need object ARNs ending with /*"));
    assertThat(
            problems(roleWith("s3:PutObject", "!Sub 'arn:${AWS::Partition}:s3:::b/one-key.csv'")))
        .anyMatch(p -> p.contains("S3 object actions need object ARNs ending with /*"));
    assertThat(problems(roleWith("s3:ListBucket", "!Sub 'arn:${AWS::Partition}:s3:::b/*'")))
        .anyMatch(p -> p.contains("S3 bucket actions need a bucket ARN"));
  }

  @Test
  void invokeFunctionOnlyOnTheRolesOwnFunction() {
    String own =
        "!Sub 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:my-fn'";
    String other =
        "!Sub 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:other'";
    assertThat(problems(roleWith("lambda:InvokeFunction", own))).isEmpty();
    assertThat(problems(roleWith("lambda:InvokeFunction", other)))
        .anyMatch(p -> p.contains("not the ARN of a function using this role"));
  }

  @Test
  void aSnapStartFunctionIsInvokedOnlyThroughItsAlias() throws Exception {
    String yaml =
        java.nio.file.Files.readString(CfnTemplate.projectTemplatePath())
            .replace("${ResourceNamePrefix}-sweep:live'", "${ResourceNamePrefix}-sweep'")
            .replace(
                "${ResourceNamePrefix}-s3-to-kinesis:live'", "${ResourceNamePrefix}-other:live'");
    assertThat(VALIDATOR.validate(CfnTemplate.parse(yaml, "unqualified.yaml")))
        .hasSize(2)
        .anyMatch(
            p -> p.contains("-sweep', the unqualified function: with SnapStart, invoke its alias"))
        .anyMatch(
            p -> p.contains("-other:live', which is not the ARN of a function using this role"));
  }

  @Test
  void logsPermissionsOnlyOnTheFunctionsOwnLogGroup() {
    assertThat(problems(roleWith("logs:PutLogEvents", "!GetAtt Group.Arn"))).isEmpty();
    assertThat(
            problems(
                roleWith(
                    "logs:PutLogEvents",
                    "!Sub 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:x'")))
        .anyMatch(p -> p.contains("not the function's own log group"));
  }

  @Test
  void conditionalStatementsAreCheckedInBothBranches() {
    String yaml =
        """
        Conditions:
          C: !Equals [a, b]
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {}
              Policies:
                - PolicyName: p
                  PolicyDocument:
                    Statement:
                      - !If
                        - C
                        - {Effect: Allow, Action: 'kms:*', Resource: k}
                        - !Ref AWS::NoValue
        """;
    assertThat(problems(yaml)).anyMatch(p -> p.contains("wildcard action 'kms:*'"));
  }

  private static final String GOOD_BUCKET =
      """
      Resources:
        B:
          Type: AWS::S3::Bucket
          Properties:
            BucketEncryption:
              ServerSideEncryptionConfiguration:
                - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
            PublicAccessBlockConfiguration:
              BlockPublicAcls: true
              BlockPublicPolicy: true
              IgnorePublicAcls: true
              RestrictPublicBuckets: true
        P:
          Type: AWS::S3::BucketPolicy
          Properties:
            Bucket: !Ref B
            PolicyDocument:
              Statement:
                - Effect: Deny
                  Principal: '*'
                  Action: s3:*
                  Resource: [!GetAtt B.Arn, !Sub '${B.Arn}/*']
                  Condition: {Bool: {'aws:SecureTransport': 'false'}}
      """;

  @Test
  void bucketsNeedEncryptionPublicAccessBlockAndTlsOnlyPolicy() {
    assertThat(problems(GOOD_BUCKET)).isEmpty();
    assertThat(
            problems(
                GOOD_BUCKET.replace(
                    """
                          BucketEncryption:
                            ServerSideEncryptionConfiguration:
                              - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
                    """,
                    "")))
        .contains("Resources.B: no BucketEncryption");
    assertThat(
            problems(
                GOOD_BUCKET.replace("RestrictPublicBuckets: true", "RestrictPublicBuckets: false")))
        .contains("Resources.B: PublicAccessBlockConfiguration.RestrictPublicBuckets is not true");
    assertThat(
            problems(
                GOOD_BUCKET.replace(
                    "'aws:SecureTransport': 'false'", "'aws:SecureTransport': 'true'")))
        .anyMatch(p -> p.contains("TLS only"));
  }

  @Test
  void streamsAndQueuesNeedEncryption() {
    assertThat(
            problems(
                """
                Resources:
                  S: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
                  Q: {Type: AWS::SQS::Queue, Properties: {}}
                """))
        .contains(
            "Resources.S: no StreamEncryption with KMS and a KeyId",
            "Resources.Q: queue not encrypted (SqsManagedSseEnabled or KMS)");
  }

  private static final String GOOD_ESM =
      """
      Parameters:
        Retries: {Type: Number, Default: 10, MinValue: 0, MaxValue: 100}
      Resources:
        M:
          Type: AWS::Lambda::EventSourceMapping
          Properties:
            FunctionName: f
            FunctionResponseTypes: [ReportBatchItemFailures]
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: !Ref Retries
            MaximumRecordAgeInSeconds: 3600
            DestinationConfig: {OnFailure: {Destination: arn}}
      """;

  @Test
  void eventSourceMappingsNeedPartialFailuresBisectionBoundsAndAFailureDestination() {
    assertThat(problems(GOOD_ESM)).isEmpty();
    assertThat(problems(GOOD_ESM.replace("[ReportBatchItemFailures]", "[]")))
        .contains("Resources.M: FunctionResponseTypes lacks ReportBatchItemFailures");
    assertThat(
            problems(
                GOOD_ESM.replace(
                    "BisectBatchOnFunctionError: true", "BisectBatchOnFunctionError: false")))
        .contains("Resources.M: BisectBatchOnFunctionError is not true");
    assertThat(
            problems(
                GOOD_ESM.replace(
                    "MaximumRecordAgeInSeconds: 3600", "MaximumRecordAgeInSeconds: -1")))
        .anyMatch(p -> p.contains("MaximumRecordAgeInSeconds: -1 is outside"));
    assertThat(problems(GOOD_ESM.replace("MinValue: 0", "MinValue: -1")))
        .anyMatch(p -> p.contains("parameter Retries must be a Number with MinValue"));
    assertThat(problems(GOOD_ESM.replace("DestinationConfig: {OnFailure: {Destination: arn}}", "")))
        .contains("Resources.M: no DestinationConfig.OnFailure.Destination");
  }

  @Test
  void functionsNeedAnOwnLogGroupWithRetention() {
    assertThat(
            problems(
                """
                Resources:
                  F: {Type: AWS::Lambda::Function, Properties: {Role: r}}
                  G: {Type: AWS::Logs::LogGroup, Properties: {}}
                  H:
                    Type: AWS::Lambda::Function
                    Properties: {Role: r, LoggingConfig: {LogGroup: !Ref G}}
                """))
        .contains(
            "Resources.F: LoggingConfig.LogGroup does not refer to a log group of this template",
            "Resources.G: log group without RetentionInDays");
  }

  @Test
  void dmsNeedsAPrivateInstanceAndNoClearTextPassword() {
    assertThat(
            problems(
                """
                Parameters:
                  DbPassword: {Type: String}
                Resources:
                  I: {Type: AWS::DMS::ReplicationInstance, Properties: {PubliclyAccessible: true}}
                  E:
                    Type: AWS::DMS::Endpoint
                    Properties:
                      Password: !Ref DbPassword
                      MicrosoftSqlServerSettings: {Password: x}
                """))
        .contains(
            "Resources.I: PubliclyAccessible must be false",
            "Resources.E: clear-text Password; use a Secrets Manager secret",
            "Resources.E.MicrosoftSqlServerSettings: clear-text Password; use a secret",
            "Parameters.DbPassword: a password parameter needs NoEcho: true");
  }

  @Test
  void servicePermissionsNeedTheirSource() {
    assertThat(
            problems(
                """
                Resources:
                  P:
                    Type: AWS::Lambda::Permission
                    Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: s3.amazonaws.com}
                """))
        .contains(
            "Resources.P: a service permission needs SourceArn",
            "Resources.P: an S3 permission needs SourceAccount (bucket ARNs name no account)");
  }
}
