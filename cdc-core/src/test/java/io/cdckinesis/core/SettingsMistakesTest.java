package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mistakes in the settings are named, not followed by a wrong error later. The names are those of
 * the S3Settings API reference; the layouts those {@code aws dms describe-endpoints} and {@code aws
 * dms create-endpoint} print; {@code CsvRowDelimiter} as "Using Amazon S3 as a target for AWS
 * Database Migration Service" describes it (default {@code \n}).
 */
class SettingsMistakesTest {

  /** JSON given as settings, then the message it must give. */
  static Stream<Arguments> unknownNames() {
    return Stream.of(
        Arguments.of(
            "{\"AddColumnNames\": true}",
            "settings s.json: unknown setting AddColumnNames (did you mean AddColumnName? the"
                + " names are those of the DMS S3Settings API)"),
        Arguments.of(
            "{\"S3Settings\": {\"BucketName\": \"b\", \"CsvDelimeter\": \";\"}}",
            "settings s.json: unknown setting CsvDelimeter (did you mean CsvDelimiter? the names"
                + " are those of the DMS S3Settings API)"),
        Arguments.of(
            "{\"Endpoints\": [{\"EndpointIdentifier\": \"t\", \"EngineName\": \"s3\","
                + " \"S3Settings\": {\"IncludeOpForFullLoads\": true}}]}",
            "settings s.json: unknown setting IncludeOpForFullLoads (did you mean"
                + " IncludeOpForFullLoad? the names are those of the DMS S3Settings API)"),
        Arguments.of(
            "{\"Endpoint\": {\"EndpointArn\": \"arn:x\", \"ExtraConnectionAttributes\":"
                + " \"timestampColumName=ts\"}}",
            "settings s.json: unknown setting timestampColumName (did you mean"
                + " TimestampColumnName? the names are those of the DMS S3Settings API)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownNames")
  void unknownNamesAreErrorsNamingTheNearestSetting(String json, String message) {
    assertThatThrownBy(() -> DmsCsvSettings.fromJson(json, "s.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(message);
  }

  @Test
  void everyS3SettingIsKnownAndAnEndpointsOtherMembersAreNotSettings() {
    String all =
        "{\"Endpoints\": [{\"EndpointIdentifier\": \"target\", \"EndpointType\": \"TARGET\","
            + " \"EngineName\": \"s3\", \"EngineDisplayName\": \"Amazon S3\", \"Status\":"
            + " \"active\", \"KmsKeyId\": \"k\", \"EndpointArn\": \"arn:aws:dms:x\","
            + " \"SslMode\": \"none\", \"ServiceAccessRoleArn\": \"arn:aws:iam::1:role/r\","
            + " \"S3Settings\": {\"ServiceAccessRoleArn\": \"arn\", \"CsvRowDelimiter\": \"\\\\n\","
            + " \"CsvDelimiter\": \",\", \"BucketFolder\": \"f\", \"BucketName\": \"b\","
            + " \"CompressionType\": \"NONE\", \"EncryptionMode\": \"SSE_S3\", \"DataFormat\":"
            + " \"csv\", \"EncodingType\": \"rle-dictionary\", \"DictPageSizeLimit\": 3072000,"
            + " \"RowGroupLength\": 10000, \"DataPageSize\": 1048576, \"ParquetVersion\":"
            + " \"parquet-1-0\", \"EnableStatistics\": true, \"IncludeOpForFullLoad\": true,"
            + " \"CdcInsertsOnly\": false, \"TimestampColumnName\": \"ts\","
            + " \"ParquetTimestampInMillisecond\": false, \"CdcInsertsAndUpdates\": false,"
            + " \"DatePartitionEnabled\": false, \"UseCsvNoSupValue\": false,"
            + " \"PreserveTransactions\": false, \"UseTaskStartTimeForFullLoadTimestamp\": false,"
            + " \"CannedAclForObjects\": \"none\", \"AddColumnName\": true,"
            + " \"CdcMaxBatchInterval\": 60, \"CdcMinFileSize\": 32000, \"CsvNullValue\": \"\","
            + " \"IgnoreHeaderRows\": 0, \"MaxFileSize\": 1048576, \"Rfc4180\": true,"
            + " \"DatePartitionTimezone\": \"UTC\", \"AddTrailingPaddingCharacter\": false,"
            + " \"ExpectedBucketOwner\": \"123\", \"GlueCatalogGeneration\": false,"
            + " \"ServerSideEncryptionKmsKeyId\": \"k\", \"ExternalTableDefinition\": \"\","
            + " \"CsvNoSupValue\": \"\", \"CdcPath\": \"\", \"DatePartitionSequence\":"
            + " \"YYYYMMDD\", \"DatePartitionDelimiter\": \"SLASH\"}}]}";
    DmsCsvSettings s = DmsCsvSettings.fromJson(all, "describe-endpoints.json");
    assertThat(s.addColumnName()).isTrue();
    assertThat(s.bucketFolder()).isEqualTo("f");
    assertThat(s.timestampColumnName()).isEqualTo("ts");
  }

  @Test
  void tableDefinitionsGivenAsSettingsAreRecognised() {
    assertThatThrownBy(
            () ->
                DmsCsvSettings.fromJson(
                    "{\"shop.customers\": {\"columns\": [\"id\"], \"primaryKey\": [\"id\"]}}",
                    "tables.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "settings tables.json are table definitions (tables.json: \"shop.customers\" with"
                + " columns, primaryKey or types), not DMS endpoint settings: give them as the"
                + " table definitions, and the endpoint's S3Settings (or the output of aws dms"
                + " describe-endpoints) as the settings");
  }

  @Test
  void settingsGivenAsTableDefinitionsAreRecognised() {
    assertThatThrownBy(
            () ->
                TableDefinitions.fromJson("{\"S3Settings\": {\"AddColumnName\": true}}", "s3.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "table definitions s3.json: \"S3Settings\" is not a \"schema.table\" entry: these are"
                + " DMS endpoint settings, not table definitions; give them as the settings");
    assertThatThrownBy(() -> TableDefinitions.fromJson("{\"CsvDelimiter\": \";\"}", "s3.json"))
        .hasMessageContaining("these are DMS endpoint settings");
  }

  /**
   * Settings, key, file, and the error line: rows whose line ending is not CsvRowDelimiter's are
   * one error for the file, with the setting and the fix.
   */
  static Stream<Arguments> rowDelimiters() {
    DmsCsvSettings lf = DmsCsvSettings.builder().addColumnName(true).build();
    DmsCsvSettings crlf = lf.toBuilder().csvRowDelimiter("\r\n").build();
    DmsCsvSettings lfNoHeader = DmsCsvSettings.defaults();
    DmsCsvSettings crlfNoHeader = lfNoHeader.toBuilder().csvRowDelimiter("\r\n").build();
    String lfToCrlf = "rows end in \\r\\n but CsvRowDelimiter is \\n: set CsvRowDelimiter to";
    return Stream.of(
        Arguments.of(lf, "id,price\r\n1,2.50\r\n2,3.00\r\n", lfToCrlf + " \"\\r\\n\""),
        Arguments.of(lfNoHeader, "1,2.50\r\n2,3.00\r\n", lfToCrlf + " \"\\r\\n\""),
        Arguments.of(
            crlf,
            "id,price\n1,2.50\n2,3.00\n",
            "rows end in \\n but CsvRowDelimiter is \\r\\n: set CsvRowDelimiter to \"\\n\""),
        Arguments.of(
            crlfNoHeader,
            "1,2.50\n2,3.00\n",
            "rows end in \\n but CsvRowDelimiter is \\r\\n: set CsvRowDelimiter to \"\\n\""));
  }

  @ParameterizedTest(name = "{index}: {2}")
  @MethodSource("rowDelimiters")
  void aRowDelimiterMismatchIsOneErrorForTheFile(DmsCsvSettings s, String csv, String message) {
    TableDefinitions tables =
        TableDefinitions.of(
            TableDefinition.builder("shop", "items").columns("id", "price").build());
    ReaderHarness h = new ReaderHarness(s, tables, BadRowPolicy.SKIP);
    BadInputException e =
        catchThrowableOfType(
            () -> h.read("shop/items/LOAD00000001.csv", csv), BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.ROW_DELIMITER_MISMATCH);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.detail()).startsWith(message);
    assertThat(h.rejects).isEmpty();
    assertThat(h.records).isEmpty();
  }

  @Test
  void matchingRowDelimitersReadAsBefore() {
    TableDefinitions tables =
        TableDefinitions.of(TableDefinition.builder("shop", "items").columns("id", "note").build());
    DmsCsvSettings crlf = DmsCsvSettings.builder().csvRowDelimiter("\r\n").build();
    ReaderHarness h =
        ReaderHarness.of(crlf, tables)
            .read("shop/items/LOAD00000001.csv", "1,\"two\nlines\"\r\n2,x\r\n");
    assertThat(h.records).extracting(r -> r.value("note")).containsExactly("two\nlines", "x");
    ReaderHarness lf =
        ReaderHarness.of(DmsCsvSettings.defaults(), tables)
            .read("shop/items/LOAD00000001.csv", "1,\"a\r\nb\"\n2,x\n");
    assertThat(lf.records).extracting(r -> r.value("note")).containsExactly("a\r\nb", "x");
  }
}
