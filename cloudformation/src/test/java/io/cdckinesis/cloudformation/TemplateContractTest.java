package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the Lambda adapters and the users rely on: handler names, environment variable names and
 * values, runtime, the stream position, the DMS task's table mappings, and the outputs.
 */
class TemplateContractTest {

  private final CfnTemplate template = CfnTemplate.projectTemplate();

  private JsonNode variables(String function, Map<String, String> parameters) {
    return new CfnEvaluator(template, parameters)
        .eval(
            CfnTemplate.properties(template.resources().get(function))
                .path("Environment")
                .path("Variables"));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void functionsRunTheProjectHandlersOnJava21() {
    JsonNode producer = CfnTemplate.properties(template.resources().get("Producer"));
    JsonNode consumer = CfnTemplate.properties(template.resources().get("Consumer"));
    assertThat(producer.path("Handler").asText())
        .isEqualTo("io.cdckinesis.lambda.S3ToKinesisHandler::handleRequest");
    assertThat(consumer.path("Handler").asText())
        .isEqualTo("io.cdckinesis.lambda.KinesisChangeHandler::handleRequest");
    assertThat(producer.path("Runtime").asText()).isEqualTo("java21");
    assertThat(consumer.path("Runtime").asText()).isEqualTo("java21");
    assertThat(template.parameters().path("ProducerTimeoutSeconds").path("MaxValue").asInt())
        .isEqualTo(900);
  }

  @Test
  void producerEnvironment() {
    Map<String, String> all = Map.of("TableDefinitions", "{\"tables\":[]}", "Aggregate", "true");
    JsonNode env = variables("Producer", all);
    assertThat(names(env))
        .containsExactlyInAnyOrder(
            "CDC_STREAM_NAME",
            "CDC_DMS_SETTINGS",
            "CDC_TABLES",
            "CDC_AGGREGATE",
            "CDC_STATE_BUCKET",
            "CDC_STATE_PREFIX",
            "CDC_REJECTS_PREFIX",
            "CDC_OVERSIZE_PREFIX",
            "CDC_TIME_RESERVE_MS");
    assertThat(env.path("CDC_STREAM_NAME").asText()).isEqualTo("${Stream}");
    assertThat(env.path("CDC_AGGREGATE").asText()).isEqualTo("true");
    assertThat(env.path("CDC_STATE_PREFIX").asText()).isEqualTo("_cdc/state/");
    assertThat(env.path("CDC_REJECTS_PREFIX").asText()).isEqualTo("_cdc/rejects/");
    assertThat(env.path("CDC_OVERSIZE_PREFIX").asText()).isEqualTo("_cdc/oversize/");
    assertThat(env.path("CDC_TIME_RESERVE_MS").asText()).isEqualTo("30000");
    // optional ones are left out rather than set empty
    assertThat(names(variables("Producer", Map.of()))).doesNotContain("CDC_TABLES");
  }

  @Test
  void theSweepRunsTheProducersCodeAndSettingsOnASchedule() {
    Map<String, String> all = Map.of("TableDefinitions", "{\"tables\":[]}", "Aggregate", "true");
    JsonNode producer = variables("Producer", all);
    JsonNode sweep = variables("Sweep", all);
    java.util.Set<String> expected = new java.util.HashSet<>(names(producer));
    expected.add("CDC_DMS_BUCKET");
    assertThat(names(sweep)).containsExactlyInAnyOrderElementsOf(expected);
    for (String name : names(producer)) {
      assertThat(sweep.path(name)).as(name).isEqualTo(producer.path(name));
    }
    JsonNode function = template.resources().path("Sweep").path("Properties");
    assertThat(function.path("Handler").asText())
        .isEqualTo("io.cdckinesis.lambda.SweepHandler::handleRequest");
    JsonNode rule = template.resources().path("SweepSchedule").path("Properties");
    assertThat(rule.path("ScheduleExpression").toString()).contains("SweepIntervalMinutes");
    assertThat(template.parameters().path("SweepIntervalMinutes").path("MinValue").asInt())
        .as("rate(1 minutes) is not a valid expression")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void theBucketNotifiesCreationsAndDeletionsButNotLifecycleExpirations() {
    JsonNode configs =
        template
            .resources()
            .path("SourceBucket")
            .path("Properties")
            .path("NotificationConfiguration")
            .path("LambdaConfigurations");
    List<String> events = new java.util.ArrayList<>();
    configs.forEach(c -> events.add(c.path("Event").asText()));
    assertThat(events)
        .containsExactlyInAnyOrder(
            "s3:ObjectCreated:*", "s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectRemoved:*");
  }

  @Test
  void consumerEnvironment() {
    JsonNode env = variables("Consumer", Map.of("TableHandlers", "dbo.Customer=com.example.C"));
    assertThat(names(env))
        .containsExactlyInAnyOrder(
            "CDC_STATE_BUCKET",
            "CDC_OVERSIZE_PREFIX",
            "CDC_DEAD_LETTER_PREFIX",
            "CDC_TABLE_HANDLERS",
            "CDC_DEFAULT_HANDLER",
            "CDC_HANDLER_ATTEMPTS_PER_INVOCATION",
            "CDC_POSITIONS_TABLE");
    assertThat(env.path("CDC_OVERSIZE_PREFIX").asText()).isEqualTo("_cdc/oversize/");
    assertThat(env.path("CDC_DEAD_LETTER_PREFIX").asText()).isEqualTo("_cdc/dead-letter/");
    assertThat(env.path("CDC_TABLE_HANDLERS").asText()).isEqualTo("dbo.Customer=com.example.C");
    assertThat(env.path("CDC_DEFAULT_HANDLER").asText())
        .isEqualTo("io.cdckinesis.core.spi.LoggingTableHandler");
    assertThat(env.path("CDC_POSITIONS_TABLE").asText()).isEqualTo("${PositionsTable}");
    assertThat(env.path("CDC_HANDLER_ATTEMPTS_PER_INVOCATION").asText()).isEqualTo("3");
    assertThat(names(variables("Consumer", Map.of()))).doesNotContain("CDC_TABLE_HANDLERS");
  }

  @Test
  void thePositionsTableIsOnDemandEncryptedRecoverableAndOnlyTheConsumerCanUseIt() {
    JsonNode table = CfnTemplate.properties(template.resources().get("PositionsTable"));
    assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
    assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
    assertThat(
            table
                .path("PointInTimeRecoverySpecification")
                .path("PointInTimeRecoveryEnabled")
                .asBoolean())
        .isTrue();
    assertThat(table.path("KeySchema").get(0).path("AttributeName").asText())
        .isEqualTo("pk"); // DynamoDbAppliedPositionStore.KEY
    List<String> granted = new ArrayList<>();
    template
        .resources()
        .fields()
        .forEachRemaining(
            r -> {
              String text = r.getValue().toString();
              if (text.contains("dynamodb:")) {
                granted.add(r.getKey());
                assertThat(text).doesNotContain("dynamodb:Scan").doesNotContain("dynamodb:Delete");
              }
            });
    assertThat(granted).containsExactly("ConsumerRole");
  }

  @Test
  void inInvocationAndCrossInvocationRetriesAreSeparateSettingsThatWaitOutAnOutage() {
    JsonNode parameters = template.parameters();
    assertThat(parameters.path("HandlerAttemptsPerInvocation").path("Default").asInt())
        .isEqualTo(3);
    assertThat(parameters.path("MaximumRetryAttempts").path("Default").asInt()).isEqualTo(10000);
    assertThat(parameters.path("MaximumRetryAttempts").path("Description").asText())
        .contains("NOT applied");
    JsonNode esm = CfnTemplate.properties(template.resources().get("ConsumerEventSourceMapping"));
    assertThat(esm.path("MaximumRetryAttempts").path("Ref").asText())
        .isEqualTo("MaximumRetryAttempts");
  }

  @Test
  void anExistingStreamIsUsedByNameAndArn() {
    String arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders-cdc";
    CfnEvaluator eval = new CfnEvaluator(template, Map.of("ExistingStreamArn", arn));
    assertThat(eval.condition("CreateStream")).isFalse();
    assertThat(
            variables("Producer", Map.of("ExistingStreamArn", arn))
                .path("CDC_STREAM_NAME")
                .asText())
        .isEqualTo("orders-cdc");
    JsonNode esm =
        eval.eval(CfnTemplate.properties(template.resources().get("ConsumerEventSourceMapping")));
    assertThat(esm.path("EventSourceArn").asText()).isEqualTo(arn);
  }

  @Test
  void eventSourceMappingReadsFromTheStartOfTheStream() {
    JsonNode esm = CfnTemplate.properties(template.resources().get("ConsumerEventSourceMapping"));
    assertThat(esm.path("StartingPosition").asText()).isEqualTo("TRIM_HORIZON");
    assertThat(template.parameters().path("ParallelizationFactor").path("Default").asInt())
        .isEqualTo(1);
  }

  @Test
  void theDefaultTableMappingIncludesEveryTableOfTheSchema() throws Exception {
    JsonNode task =
        new CfnEvaluator(template, Map.of("SourceSchema", "sales"))
            .eval(CfnTemplate.properties(template.resources().get("DmsReplicationTask")));
    assertThat(task.path("MigrationType").asText()).isEqualTo("full-load-and-cdc");
    JsonNode mappings = new ObjectMapper().readTree(task.path("TableMappings").asText());
    JsonNode rule = mappings.path("rules").get(0);
    assertThat(rule.path("rule-type").asText()).isEqualTo("selection");
    assertThat(rule.path("rule-action").asText()).isEqualTo("include");
    assertThat(rule.path("object-locator").path("schema-name").asText()).isEqualTo("sales");
    assertThat(rule.path("object-locator").path("table-name").asText()).isEqualTo("%");
    String own = "{\"rules\":[]}";
    assertThat(
            new CfnEvaluator(template, Map.of("TableMappings", own))
                .eval(CfnTemplate.properties(template.resources().get("DmsReplicationTask")))
                .path("TableMappings")
                .asText())
        .isEqualTo(own);
  }

  @Test
  void theConsoleGroupsListEveryParameterOnce() {
    List<String> grouped = new ArrayList<>();
    for (JsonNode group :
        template
            .root()
            .path("Metadata")
            .path("AWS::CloudFormation::Interface")
            .path("ParameterGroups")) {
      group.path("Parameters").forEach(p -> grouped.add(p.asText()));
    }
    assertThat(grouped).containsExactlyInAnyOrderElementsOf(names(template.parameters()));
  }

  @Test
  void outputsNameWhatAnOperatorNeeds() {
    assertThat(names(template.outputs()))
        .contains(
            "SourceBucketName",
            "StateBucketName",
            "StreamName",
            "StreamArn",
            "ProducerFunctionName",
            "ConsumerFunctionName",
            "ProducerFailureQueueUrl",
            "ConsumerFailureQueueUrl",
            "PositionsTableName",
            "ReplicationTaskArn");
  }

  @Test
  void everyFunctionHasSnapStartAndIsInvokedOnlyThroughItsAlias() {
    for (String function : List.of("Producer", "Sweep", "Consumer")) {
      JsonNode fn = template.resources().get(function);
      assertThat(SnapStartValidator.hasSnapStart(fn)).as(function).isTrue();
      assertThat(SnapStartValidator.aliasNamesOf(template, function))
          .as(function)
          .containsExactly("live");
    }
    assertThat(SnapStartValidator.validate(template)).isEmpty();
    // The continuation invokes the alias it was invoked through; the role may invoke only those.
    JsonNode continuation = null;
    for (JsonNode statement :
        template
            .resources()
            .path("ProducerRole")
            .path("Properties")
            .path("Policies")
            .get(0)
            .path("PolicyDocument")
            .path("Statement")) {
      if ("ContinueOwnWork".equals(statement.path("Sid").asText())) {
        continuation = statement;
      }
    }
    assertThat(continuation).isNotNull();
    List<String> resources = new ArrayList<>();
    continuation.path("Resource").forEach(r -> resources.addAll(Intrinsics.render(r)));
    assertThat(resources)
        .containsExactlyInAnyOrder(
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                + "${ResourceNamePrefix}-s3-to-kinesis:live",
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                + "${ResourceNamePrefix}-sweep:live");
    assertThat(template.outputs().path("ProducerFunctionArn").path("Value").path("Ref").asText())
        .as("the bring-your-own-bucket notification targets the alias")
        .isEqualTo("ProducerAlias");
  }

  /**
   * Parameters a function reads that its version's Description may leave out: a new name replaces
   * the function (and so the version); reserved concurrency is not part of a version; the others
   * can be longer than a Description's 256 characters (a change of only those needs a new
   * CodeS3Key, as cloudformation/README.md says).
   */
  private static final Set<String> NOT_IN_VERSION_DESCRIPTION =
      Set.of(
          "ResourceNamePrefix",
          "ProducerReservedConcurrency",
          "ConsumerReservedConcurrency",
          "TableDefinitions",
          "TableHandlers",
          "ExistingStreamArn",
          "ExistingSourceBucketName");

  @Test
  void aVersionIsPublishedWhenTheCodeOrASettingOfItsFunctionChanges() {
    Map<String, String> versions =
        Map.of(
            "Producer", "ProducerVersion", "Sweep", "SweepVersion", "Consumer", "ConsumerVersion");
    versions.forEach(
        (function, version) -> {
          Set<String> read = new java.util.TreeSet<>();
          parametersIn(template.resources().get(function).path("Properties"), read);
          read.removeAll(NOT_IN_VERSION_DESCRIPTION);
          Set<String> described = new java.util.TreeSet<>();
          JsonNode v = template.resources().get(version);
          parametersIn(v.path("Properties").path("Description"), described);
          assertThat(described).as(version + " Description").containsAll(read);
          assertThat(read).as(function).contains("CodeS3Key", "CodeS3Bucket");
          // Defaults and a typical code key stay within the 256 characters Lambda allows.
          Map<String, String> typical =
              Map.of(
                  "CodeS3Bucket", "my-artifacts-bucket", "CodeS3Key", "cdc/cdc-lambda-0a1b2c3.jar");
          String text =
              new CfnEvaluator(template, typical)
                  .eval(v.path("Properties").path("Description"))
                  .asText();
          assertThat(text).as(version).hasSizeLessThan(200).doesNotContain("${");
        });
  }

  /** Parameter names a node refers to (Ref, Fn::Sub variables), recursively. */
  private void parametersIn(JsonNode node, Set<String> out) {
    if (Intrinsics.isFunction(node, "Ref") && template.parameters().has(node.get("Ref").asText())) {
      out.add(node.get("Ref").asText());
      return;
    }
    if (Intrinsics.isFunction(node, "Fn::Sub")) {
      JsonNode arg = node.get("Fn::Sub");
      String text = arg.isTextual() ? arg.asText() : arg.path(0).asText();
      for (String name : Intrinsics.subVariables(text)) {
        if (template.parameters().has(name)) {
          out.add(name);
        }
      }
    }
    node.elements().forEachRemaining(child -> parametersIn(child, out));
  }
}
