package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cdckinesis.core.testing.Fixtures;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SQL type the reader types, with the text DMS writes for it and the value and JSON that come
 * out (the table in docs/reader.md). The DMS user guide maps each source type to a DMS type
 * ("Source data types for SQL Server", "... for Oracle", "... for MySQL", "... for PostgreSQL") and
 * describes the DMS types ("Data types for AWS Database Migration Service": DATETIME is {@code
 * YYYY-MM-DD HH:MM:SS.F(9)}); the S3 target writes them as text. Rows marked "fixture" are copied
 * from the real DMS output under fixtures/dms-real; the others follow those sections.
 */
class DmsTypesTest {

  /** Numbers exactly as written (doubles would print 12.50 as 12.5). */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** Source, declared type, the field as DMS writes it, the value, the JSON of the value. */
  static Stream<Arguments> types() {
    return Stream.of(
        // SQL Server: INT4, INT8, NUMERIC, REAL4/8, BOOLEAN, DATE, DATETIME, strings
        t("SQL Server", "INT", "42", 42L, "42"),
        t("SQL Server", "BIGINT", "-9223372036854775808", Long.MIN_VALUE, "-9223372036854775808"),
        t(
            "SQL Server",
            "DECIMAL(38,0)",
            "12345678901234567890123456789012345678",
            new BigInteger("12345678901234567890123456789012345678"),
            "12345678901234567890123456789012345678"),
        t("SQL Server", "DECIMAL(10,2)", "-12.50", new BigDecimal("-12.50"), "-12.50"),
        t("SQL Server", "MONEY", "1234.5600", new BigDecimal("1234.5600"), "1234.5600"),
        t("SQL Server", "FLOAT", "1.5E+10", new BigDecimal("15000000000"), "15000000000"),
        t("SQL Server", "REAL", "3.1415927", new BigDecimal("3.1415927"), "3.1415927"),
        t("SQL Server", "BIT", "1", true, "true"),
        t("SQL Server", "BIT", "0", false, "false"),
        t("SQL Server", "DATE", "2024-08-09", LocalDate.of(2024, 8, 9), "\"2024-08-09\""),
        t(
            "SQL Server",
            "DATETIME",
            "2024-08-09 19:27:17.787",
            LocalDateTime.of(2024, 8, 9, 19, 27, 17, 787_000_000),
            "\"2024-08-09T19:27:17.787\""),
        t(
            "SQL Server",
            "DATETIME2(7)",
            "2024-08-09 19:27:17.7871234",
            LocalDateTime.of(2024, 8, 9, 19, 27, 17, 787_123_400),
            "\"2024-08-09T19:27:17.7871234\""),
        t(
            "SQL Server",
            "SMALLDATETIME",
            "2024-08-09 19:27:00",
            LocalDateTime.of(2024, 8, 9, 19, 27),
            "\"2024-08-09T19:27:00\""),
        t(
            "SQL Server",
            "DATETIMEOFFSET(7)",
            "2024-08-09 19:27:17.7871234 +02:00",
            "2024-08-09 19:27:17.7871234 +02:00",
            "\"2024-08-09 19:27:17.7871234 +02:00\""),
        t("SQL Server", "TIME(7)", "19:27:17.7871234", "19:27:17.7871234", "\"19:27:17.7871234\""),
        t(
            "SQL Server",
            "UNIQUEIDENTIFIER",
            "6F9619FF-8B86-D011-B42D-00C04FC964FF",
            "6F9619FF-8B86-D011-B42D-00C04FC964FF",
            "\"6F9619FF-8B86-D011-B42D-00C04FC964FF\""),
        t("SQL Server", "VARBINARY(16)", "0A0B0C", "0A0B0C", "\"0A0B0C\""),
        t("SQL Server", "NVARCHAR(50)", "\"Zoë, \"\"Z\"\"\"", "Zoë, \"Z\"", "\"Zoë, \\\"Z\\\"\""),
        // Oracle: NUMBER, BINARY_FLOAT/DOUBLE, DATE and TIMESTAMP as DMS DATETIME, strings
        t("Oracle (fixture)", "NUMBER(6)", "100", 100L, "100"),
        t("Oracle (fixture)", "NUMBER(8,2)", "24000.00", new BigDecimal("24000.00"), "24000.00"),
        t("Oracle (fixture)", "NUMBER(2,2)", "", null, "null"),
        t("Oracle", "NUMBER", "3.14", new BigDecimal("3.14"), "3.14"),
        t("Oracle", "BINARY_DOUBLE", "1.0E-5", new BigDecimal("0.000010"), "0.000010"),
        t("Oracle", "BINARY_FLOAT", "nan", Double.NaN, "\"NaN\""),
        t("Oracle", "BINARY_DOUBLE", "-inf", Double.NEGATIVE_INFINITY, "\"-Infinity\""),
        t(
            "Oracle (fixture)",
            "DATE",
            "1987-06-17 00:00:00",
            LocalDateTime.of(1987, 6, 17, 0, 0),
            "\"1987-06-17T00:00:00\""),
        t(
            "Oracle (fixture)",
            "DATE",
            "2018-06-11 18:11:52",
            LocalDateTime.of(2018, 6, 11, 18, 11, 52),
            "\"2018-06-11T18:11:52\""),
        t(
            "Oracle",
            "TIMESTAMP(6)",
            "2019-01-18 18:45:18.184000",
            LocalDateTime.of(2019, 1, 18, 18, 45, 18, 184_000_000),
            "\"2019-01-18T18:45:18.184\""),
        t(
            "Oracle",
            "TIMESTAMP(6) WITH TIME ZONE",
            "2019-01-18 18:45:18.184000 +00:00",
            "2019-01-18 18:45:18.184000 +00:00",
            "\"2019-01-18 18:45:18.184000 +00:00\""),
        t("Oracle (fixture)", "VARCHAR2(25)", "SKING", "SKING", "\"SKING\""),
        t("Oracle", "RAW(16)", "0A0B", "0A0B", "\"0A0B\""),
        // MySQL: INT1..8 and UINT, NUMERIC, REAL8, BOOLEAN (BIT), BYTES (BIT(n)), DATE/DATETIME
        t("MySQL (fixture)", "INT", "103", 103L, "103"),
        t("MySQL (fixture)", "DECIMAL(10,2)", "21000.00", new BigDecimal("21000.00"), "21000.00"),
        t("MySQL", "INT UNSIGNED", "4294967295", 4294967295L, "4294967295"),
        t(
            "MySQL",
            "BIGINT UNSIGNED",
            "18446744073709551615",
            new BigInteger("18446744073709551615"),
            "18446744073709551615"),
        t("MySQL", "TINYINT(1)", "1", 1L, "1"),
        t("MySQL", "YEAR", "2024", 2024L, "2024"),
        t("MySQL", "DOUBLE", "-2.5E-3", new BigDecimal("-0.0025"), "-0.0025"),
        t("MySQL", "BIT(1)", "1", true, "true"),
        t("MySQL", "BIT(8)", "0F", "0F", "\"0F\""),
        t(
            "MySQL",
            "DATETIME(6)",
            "2024-08-09 19:27:17.787123",
            LocalDateTime.of(2024, 8, 9, 19, 27, 17, 787_123_000),
            "\"2024-08-09T19:27:17.787123\""),
        t(
            "MySQL",
            "TIMESTAMP",
            "2024-08-09 19:27:17",
            LocalDateTime.of(2024, 8, 9, 19, 27, 17),
            "\"2024-08-09T19:27:17\""),
        t("MySQL", "TIME", "19:27:17", "19:27:17", "\"19:27:17\""),
        t("MySQL", "ENUM('small','large')", "large", "large", "\"large\""),
        t("MySQL", "JSON", "\"{\"\"a\"\": 1}\"", "{\"a\": 1}", "\"{\\\"a\\\": 1}\""),
        // PostgreSQL: INT2/4/8, NUMERIC with NaN, REAL4/8 with infinities, BOOLEAN as text,
        // BIT(n) and BIT VARYING(n) as STRING(n)
        t("PostgreSQL", "SMALLINT", "-32768", -32768L, "-32768"),
        t("PostgreSQL", "BIGSERIAL", "9", 9L, "9"),
        t("PostgreSQL", "NUMERIC(10,2)", "12.50", new BigDecimal("12.50"), "12.50"),
        t("PostgreSQL", "NUMERIC", "NaN", Double.NaN, "\"NaN\""),
        t("PostgreSQL", "DOUBLE PRECISION", "Infinity", Double.POSITIVE_INFINITY, "\"Infinity\""),
        t("PostgreSQL", "FLOAT8", "-Infinity", Double.NEGATIVE_INFINITY, "\"-Infinity\""),
        t("PostgreSQL", "REAL", "NaN", Double.NaN, "\"NaN\""),
        t("PostgreSQL", "REAL", "1.25", new BigDecimal("1.25"), "1.25"),
        t("PostgreSQL", "BOOLEAN", "true", true, "true"),
        t("PostgreSQL", "BOOL", "f", false, "false"),
        t("PostgreSQL", "BIT(4)", "1010", "1010", "\"1010\""),
        t("PostgreSQL", "BIT VARYING(8)", "101", "101", "\"101\""),
        t("PostgreSQL", "VARBIT", "0", "0", "\"0\""),
        t("PostgreSQL", "DATE", "2024-02-29", LocalDate.of(2024, 2, 29), "\"2024-02-29\""),
        t(
            "PostgreSQL",
            "TIMESTAMP WITHOUT TIME ZONE",
            "2024-08-09 19:27:17.787123",
            LocalDateTime.of(2024, 8, 9, 19, 27, 17, 787_123_000),
            "\"2024-08-09T19:27:17.787123\""),
        t(
            "PostgreSQL",
            "TIMESTAMPTZ",
            "2024-08-09 19:27:17.787123+00",
            "2024-08-09 19:27:17.787123+00",
            "\"2024-08-09 19:27:17.787123+00\""),
        t(
            "PostgreSQL",
            "UUID",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
        t("PostgreSQL", "INTERVAL", "1 year 2 mons", "1 year 2 mons", "\"1 year 2 mons\""));
  }

  private static Arguments t(String source, String type, String text, Object value, String json) {
    return Arguments.of(source, type, text, value, json);
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("types")
  void dmsTextToValueAndJson(String source, String type, String text, Object value, String json)
      throws IOException {
    TableDefinitions tables =
        TableDefinitions.fromJson(
            "{\"src.t\": {\"columns\": [\"id\", \"c\"], \"primaryKey\": [\"id\"],"
                + " \"types\": {\"id\": \"INT\", \"c\": \""
                + type
                + "\"}}}",
            "types");
    ChangeRecord r =
        ReaderHarness.of(DmsCsvSettings.defaults(), tables)
            .read("src/t/LOAD00000001.csv", "1," + text + "\n")
            .records
            .get(0); // a row whose value does not parse would have failed the read
    assertThat(r.value("c")).isEqualTo(value);
    byte[] envelope = EnvelopeCodec.create().encode(r);
    JsonNode data = JSON.readTree(envelope).get("data");
    assertThat(JSON.writeValueAsString(data.get("c"))).isEqualTo(json);
    assertThat(EnvelopeCodec.withTables(tables).decodeRecord(envelope)).isEqualTo(r);
  }

  @Test
  void oracleEmployeesWithDeclaredTypesReadWithoutRejects() {
    TableDefinitions typed =
        TableDefinitions.fromJson(
            "{\"HR.EMPLOYEES\": {\"primaryKey\": [\"EMPLOYEE_ID\"], \"types\": {"
                + "\"EMPLOYEE_ID\": \"NUMBER(6)\", \"HIRE_DATE\": \"DATE\","
                + " \"SALARY\": \"NUMBER(8,2)\", \"COMMISSION_PCT\": \"NUMBER(2,2)\","
                + " \"MANAGER_ID\": \"NUMBER(6)\", \"DEPARTMENT_ID\": \"NUMBER(4)\"}}}",
            "hr");
    DmsCsvSettings header = DmsCsvSettings.builder().addColumnName(true).build();
    ReaderHarness h = new ReaderHarness(header, typed, BadRowPolicy.SKIP);
    h.readPath(Fixtures.dmsReal("oracle-hr/HR/EMPLOYEES/LOAD00000001.csv"));
    h.readPath(Fixtures.dmsReal("oracle-hr/HR/EMPLOYEES/20190118-184518184.csv"));
    assertThat(h.rejects).isEmpty();
    assertThat(h.records).hasSize(1900 + 17);
    ChangeRecord king = h.records.get(0);
    assertThat(king.value("HIRE_DATE")).isEqualTo(LocalDateTime.of(1987, 6, 17, 0, 0));
    assertThat(king.value("SALARY")).isEqualTo(new BigDecimal("24000.00"));
    assertThat(king.value("MANAGER_ID")).isNull();
  }

  @Test
  void erpDatesWithATimeOfDayReadWithoutRejects() {
    TableDefinitions typed =
        TableDefinitions.fromJson(
            "{\"ERP.BOM_HD\": {\"primaryKey\": [\"BOM_NO\"], \"types\": {"
                + "\"CREATE_DATE\": \"DATE\", \"LAST_MODI_DATE\": \"DATE\"}}}",
            "erp");
    DmsCsvSettings header = DmsCsvSettings.builder().addColumnName(true).build();
    ReaderHarness h = new ReaderHarness(header, typed, BadRowPolicy.SKIP);
    h.readPath(Fixtures.dmsReal("garment-erp/ERP/BOM_HD/20180820-084657015.csv.gz"));
    assertThat(h.rejects).isEmpty();
    assertThat(h.records.get(0).value("CREATE_DATE"))
        .isEqualTo(LocalDateTime.of(2018, 6, 11, 18, 11, 52));
  }
}
