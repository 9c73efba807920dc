package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DmsCsvSettingsTest {

  /** Shaped like `aws dms describe-endpoints` output: a source endpoint, then the S3 target. */
  private static final String DESCRIBE_ENDPOINTS =
      """
      {"Endpoints": [
        {"EndpointIdentifier": "src", "EndpointType": "SOURCE", "EngineName": "mysql",
         "MySQLSettings": {"Port": 3306}},
        {"EndpointIdentifier": "dms-s3", "EndpointType": "TARGET", "EngineName": "s3",
         "ExtraConnectionAttributes": "bucketFolder=raw;addColumnName=true;csvDelimiter=|;",
         "S3Settings": {
           "ServiceAccessRoleArn": "arn:aws:iam::123456789012:role/dms",
           "CsvRowDelimiter": "\\\\r\\\\n", "CsvDelimiter": ";", "BucketName": "lake",
           "CompressionType": "GZIP", "DataFormat": "csv", "IncludeOpForFullLoad": true,
           "TimestampColumnName": "", "DatePartitionEnabled": true,
           "DatePartitionSequence": "YYYYMMDDHH", "DatePartitionDelimiter": "DASH",
           "Rfc4180": false, "CsvNullValue": "NULL", "MaxFileSize": 1048576}}]}
      """;

  @Test
  void readsDescribeEndpointsOutputUsingTheS3Endpoint() {
    DmsCsvSettings s = DmsCsvSettings.fromJson(DESCRIBE_ENDPOINTS, "endpoints.json");

    assertThat(s.csvRowDelimiter()).isEqualTo("\r\n"); // printed escaped
    assertThat(s.csvDelimiter()).isEqualTo(";"); // S3Settings override the attributes
    assertThat(s.addColumnName()).isTrue(); // from ExtraConnectionAttributes
    assertThat(s.bucketFolder()).isEqualTo("raw");
    assertThat(s.bucketName()).isEqualTo("lake");
    assertThat(s.compressionType()).isEqualTo(CompressionType.GZIP);
    assertThat(s.includeOpForFullLoad()).isTrue();
    assertThat(s.timestampColumnName()).isNull(); // blank means unset
    assertThat(s.datePartitionEnabled()).isTrue();
    assertThat(s.datePartitionSequence()).isEqualTo(DatePartitionSequence.YYYYMMDDHH);
    assertThat(s.datePartitionDelimiter()).isEqualTo(DatePartitionDelimiter.DASH);
    assertThat(s.rfc4180()).isFalse();
    assertThat(s.csvNullValue()).isEqualTo("NULL");
  }

  @Test
  void readsAnObjectWithS3SettingsAndTheBareS3SettingsObject() {
    DmsCsvSettings wrapped =
        DmsCsvSettings.fromJson("{\"S3Settings\": {\"AddColumnName\": \"true\"}}", "a");
    DmsCsvSettings bare =
        DmsCsvSettings.fromJson(
            "{\"addcolumnname\": true, \"CSVDELIMITER\": \"\\\\t\", \"BucketFolder\": \"/x/y/\"}",
            "b");
    assertThat(wrapped.addColumnName()).isTrue();
    assertThat(bare.addColumnName()).isTrue();
    assertThat(bare.csvDelimiter()).isEqualTo("\t");
    assertThat(bare.bucketFolder()).isEqualTo("x/y");
    assertThat(DmsCsvSettings.fromJson("{}", "c")).isEqualTo(DmsCsvSettings.defaults());
  }

  @Test
  void readsExtraConnectionAttributesAlone() {
    DmsCsvSettings s =
        DmsCsvSettings.fromJson(
            "{\"ExtraConnectionAttributes\": \"cdcInsertsOnly=true; csvRowDelimiter=\\\\n;"
                + "timestampColumnName=TS\"}",
            "eca");
    assertThat(s.cdcInsertsOnly()).isTrue();
    assertThat(s.csvRowDelimiter()).isEqualTo("\n");
    assertThat(s.timestampColumnName()).isEqualTo("TS");
  }

  @Test
  void readsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s3.json");
    Files.writeString(file, "{\"S3Settings\": {\"CdcInsertsAndUpdates\": true}}");
    assertThat(DmsCsvSettings.fromJson(file).cdcInsertsAndUpdates()).isTrue();
    assertThatThrownBy(() -> DmsCsvSettings.fromJson(dir.resolve("missing.json")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("missing.json");
  }

  @Test
  void rejectsParquet() {
    assertThatThrownBy(
            () -> DmsCsvSettings.fromJson("{\"S3Settings\": {\"DataFormat\": \"parquet\"}}", "p"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("settings p: DataFormat parquet is not supported: only csv output can be read");
  }

  @Test
  void rejectsInsertsOnlyTogetherWithInsertsAndUpdates() {
    assertThatThrownBy(
            () ->
                DmsCsvSettings.fromJson(
                    "{\"CdcInsertsOnly\": true, \"CdcInsertsAndUpdates\": true}", "both"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("settings both: CdcInsertsOnly and CdcInsertsAndUpdates cannot both be true");
  }

  @Test
  void rejectsInvalidValuesAndJsonNamingTheSource() {
    assertThatThrownBy(() -> DmsCsvSettings.fromJson("{\"AddColumnName\": \"maybe\"}", "v"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("settings v: AddColumnName must be true or false");
    assertThatThrownBy(() -> DmsCsvSettings.fromJson("{\"CsvDelimiter\": \",,\"}", "d"))
        .hasMessageContaining("CsvDelimiter must be a single character");
    assertThatThrownBy(() -> DmsCsvSettings.fromJson("{\"CompressionType\": \"zip\"}", "c"))
        .hasMessageContaining("CompressionType must be one of [NONE, GZIP]");
    assertThatThrownBy(() -> DmsCsvSettings.fromJson("{nope", "broken.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("broken.json");
    assertThatThrownBy(() -> DmsCsvSettings.fromJson("{\"Endpoints\": []}", "e"))
        .hasMessageContaining("no endpoint has S3Settings");
    assertThatThrownBy(() -> DmsCsvSettings.fromJson("{\"PreserveTransactions\": true}", "t"))
        .hasMessageContaining("PreserveTransactions=true requires CdcPath");
  }

  @Test
  void opColumnRulesFollowTheDmsTable() {
    DmsCsvSettings defaults = DmsCsvSettings.defaults();
    DmsCsvSettings withOp = DmsCsvSettings.builder().includeOpForFullLoad(true).build();
    DmsCsvSettings insertsOnly = DmsCsvSettings.builder().cdcInsertsOnly(true).build();
    DmsCsvSettings insertsOnlyWithOp = insertsOnly.toBuilder().includeOpForFullLoad(true).build();
    DmsCsvSettings upserts = DmsCsvSettings.builder().cdcInsertsAndUpdates(true).build();

    assertThat(defaults.hasOpColumn(DmsFileKind.FULL_LOAD)).isFalse();
    assertThat(defaults.hasOpColumn(DmsFileKind.CDC)).isTrue();
    assertThat(withOp.hasOpColumn(DmsFileKind.FULL_LOAD)).isTrue();
    assertThat(withOp.hasOpColumn(DmsFileKind.CDC)).isTrue();
    assertThat(insertsOnlyWithOp.hasOpColumn(DmsFileKind.CDC)).isTrue();
    assertThat(insertsOnly.hasOpColumn(DmsFileKind.FULL_LOAD)).isFalse();
    assertThat(insertsOnly.hasOpColumn(DmsFileKind.CDC)).isFalse();
    assertThat(insertsOnly.operationWithoutOpColumn(DmsFileKind.CDC)).isEqualTo(Operation.INSERT);
    assertThat(upserts.operationWithoutOpColumn(DmsFileKind.CDC)).isEqualTo(Operation.UPDATE);
    assertThat(upserts.operationWithoutOpColumn(DmsFileKind.FULL_LOAD)).isEqualTo(Operation.LOAD);
  }
}
