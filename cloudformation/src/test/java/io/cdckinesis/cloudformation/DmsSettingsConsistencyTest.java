package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.core.CompressionType;
import io.cdckinesis.core.DmsCsvSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The producer's CDC_DMS_SETTINGS must describe the files the DMS S3 target endpoint writes: same
 * values for every setting that shapes the CSV layout, and readable by {@link DmsCsvSettings}.
 */
class DmsSettingsConsistencyTest {

  /** S3 endpoint settings that shape where files land and how rows look. */
  private static final List<String> LAYOUT_SETTINGS =
      List.of(
          "BucketName",
          "BucketFolder",
          "DataFormat",
          "CsvDelimiter",
          "CsvRowDelimiter",
          "CsvNullValue",
          "AddColumnName",
          "IncludeOpForFullLoad",
          "TimestampColumnName",
          "CdcInsertsOnly",
          "CdcInsertsAndUpdates",
          "CompressionType",
          "DatePartitionEnabled",
          "DatePartitionSequence",
          "DatePartitionDelimiter",
          "PreserveTransactions",
          "CdcPath",
          "Rfc4180");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final CfnTemplate template = CfnTemplate.projectTemplate();

  @Test
  void settingsWithDefaultParametersMatchTheEndpoint() throws Exception {
    CfnEvaluator values = new CfnEvaluator(template, Map.of());
    JsonNode env = producerSettings(values);
    assertThat(differences(template, env, values)).isEmpty();
    assertThat(env.path("BucketName").asText()).isEqualTo("cdc-kinesis-dms-123456789012-eu-west-1");
    DmsCsvSettings settings = DmsCsvSettings.fromJson(env.toString(), "CDC_DMS_SETTINGS");
    assertThat(settings.addColumnName()).isTrue();
    assertThat(settings.includeOpForFullLoad()).isTrue();
    assertThat(settings.timestampColumnName()).isEqualTo("cdc_commit_ts");
    assertThat(settings.compressionType()).isEqualTo(CompressionType.GZIP);
    assertThat(settings.csvDelimiter()).isEqualTo(",");
    assertThat(settings.csvRowDelimiter()).isEqualTo("\n");
    assertThat(settings.bucketFolder()).isNull();
    assertThat(settings.datePartitionEnabled()).isFalse();
  }

  @Test
  void settingsFollowTheFolderBucketAndTimestampParameters() throws Exception {
    CfnEvaluator values =
        new CfnEvaluator(
            template,
            Map.of(
                "SourceBucketFolder", "dms/out",
                "ExistingSourceBucketName", "my-own-bucket",
                "TimestampColumnName", "commit_time"));
    JsonNode env = producerSettings(values);
    assertThat(differences(template, env, values)).isEmpty();
    DmsCsvSettings settings = DmsCsvSettings.fromJson(env.toString(), "CDC_DMS_SETTINGS");
    assertThat(settings.bucketName()).isEqualTo("my-own-bucket");
    assertThat(settings.bucketFolder()).isEqualTo("dms/out");
    assertThat(settings.timestampColumnName()).isEqualTo("commit_time");
  }

  @Test
  void aDriftBetweenEndpointAndEnvironmentIsCaught() {
    // the comparison is only worth something if it fails on a difference
    String yaml =
        """
        Resources:
          DmsS3TargetEndpoint:
            Type: AWS::DMS::Endpoint
            Properties:
              S3Settings: {CompressionType: NONE, AddColumnName: true}
        """;
    CfnTemplate drifted = CfnTemplate.parse(yaml, "drift.yaml");
    JsonNode env =
        JSON.createObjectNode().put("CompressionType", "GZIP").put("AddColumnName", true);
    assertThat(differences(drifted, env, new CfnEvaluator(drifted, Map.of())))
        .containsExactly("CompressionType: endpoint NONE, producer GZIP");
  }

  /** Differences between the endpoint's S3Settings and the producer's settings JSON. */
  private static List<String> differences(CfnTemplate t, JsonNode env, CfnEvaluator values) {
    JsonNode s3 =
        values.eval(
            CfnTemplate.properties(t.resources().path("DmsS3TargetEndpoint")).path("S3Settings"));
    List<String> out = new ArrayList<>();
    for (String name : LAYOUT_SETTINGS) {
      String endpoint = s3.has(name) ? s3.get(name).asText() : null;
      String producer = env.has(name) ? env.get(name).asText() : null;
      if (endpoint == null && (producer == null || producer.isEmpty())) {
        continue; // neither sets it, or the producer says "none" with an empty folder
      }
      if (endpoint == null || !endpoint.equals(producer)) {
        out.add(name + ": endpoint " + endpoint + ", producer " + producer);
      }
    }
    return out;
  }

  /** The producer's CDC_DMS_SETTINGS for the given parameter values, parsed. */
  private JsonNode producerSettings(CfnEvaluator values) throws Exception {
    JsonNode variables =
        values.eval(
            CfnTemplate.properties(template.resources().get("Producer"))
                .path("Environment")
                .path("Variables"));
    assertThat(variables.has("CDC_DMS_SETTINGS")).isTrue();
    return JSON.readTree(variables.get("CDC_DMS_SETTINGS").asText());
  }
}
