package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.internal.ValueParsers;
import io.cdckinesis.core.testing.Fixtures;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableDefinitionsTest {

  @Test
  void readsTheFixtureTables() {
    TableDefinitions t = TableDefinitions.fromJson(Fixtures.dmsReal("tables.json"));
    TableDefinition customers = t.find("classicmodels", "customers").orElseThrow();
    assertThat(customers.columns()).hasSize(13).startsWith("customerNumber", "customerName");
    assertThat(customers.primaryKey()).containsExactly("customerNumber");
    assertThat(t.find("HR", "EMPLOYEES").orElseThrow().hasColumns()).isFalse();
    assertThat(t.find("ERP", "SC_HD").orElseThrow().primaryKey())
        .containsExactly("SC_NO", "SC_REV_NO");
    assertThat(t.all()).hasSize(4);
  }

  @Test
  void findsExactlyFirstThenIgnoringCase() {
    TableDefinitions t =
        TableDefinitions.fromJson(
            "{\"dbo.Customer\": {\"primaryKey\": []}, \"DBO.CUSTOMER\": {\"primaryKey\": []},"
                + " \"hr.jobs\": {\"columns\": [\"id\"], \"types\": {\"id\": \"NUMBER(6)\"}}}",
            "t");
    assertThat(t.find("DBO", "CUSTOMER").orElseThrow().id().schema()).isEqualTo("DBO");
    assertThat(t.find("dbo", "Customer").orElseThrow().id().schema()).isEqualTo("dbo");
    assertThat(t.find("HR", "JOBS").orElseThrow().typeOf("id")).isEqualTo(ColumnType.INTEGER);
    assertThat(t.find("hr", "nope")).isEmpty();
  }

  @Test
  void rejectsMalformedDefinitionsNamingTheEntry() {
    assertThatThrownBy(() -> TableDefinitions.fromJson("[1]", "x.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("x.json");
    assertThatThrownBy(() -> TableDefinitions.fromJson("{\"nodot\": {}}", "x.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "table definitions x.json: \"nodot\" is not a \"schema.table\" entry with an object"
                + " of columns, primaryKey and types");
    assertThatThrownBy(
            () ->
                TableDefinitions.fromJson(
                    "{\"a.b\": {\"columns\": [\"id\"], \"primaryKey\": [\"key\"]}}", "x.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("primary key column key is not among the columns");
    assertThatThrownBy(
            () -> TableDefinitions.fromJson("{\"a.b\": {\"columns\": [\"id\", \"id\"]}}", "x"))
        .hasMessageContaining("duplicate column id");
    assertThatThrownBy(() -> TableDefinitions.fromJson("{\"a.b\": {\"columns\": \"id\"}}", "x"))
        .hasMessageContaining("expected an array of strings");
    assertThatThrownBy(() -> TableDefinitions.fromJson("{oops", "bad.json"))
        .hasMessageContaining("bad.json are not valid JSON");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "INT|INTEGER",
        "bigint unsigned|INTEGER",
        "NUMBER(10)|INTEGER",
        "NUMBER(10, 0)|INTEGER",
        "NUMBER(10,2)|DECIMAL",
        "NUMBER|DECIMAL",
        "DECIMAL(10,20)|DECIMAL",
        "MONEY|DECIMAL",
        "DOUBLE PRECISION|DECIMAL",
        "BIT|BOOLEAN",
        "DATE|DATE",
        "DATETIME2(7)|TIMESTAMP",
        "TIMESTAMP(6)|TIMESTAMP",
        "TIMESTAMP(6) WITH TIME ZONE|STRING",
        "TIMESTAMP WITH LOCAL TIME ZONE|STRING",
        "DATETIMEOFFSET(7)|STRING",
        "UNIQUEIDENTIFIER|STRING",
        "VARCHAR2(50 CHAR)|STRING",
        "geometry|STRING"
      })
  void mapsSqlTypes(String sql, ColumnType expected) {
    assertThat(ColumnType.fromSqlType(sql)).isEqualTo(expected);
  }

  @Test
  void parsesDmsTextToTypedValues() {
    assertThat(ValueParsers.parse(ColumnType.INTEGER, "42")).isEqualTo(42L);
    assertThat(ValueParsers.parse(ColumnType.INTEGER, "123456789012345678901234"))
        .isEqualTo(new BigInteger("123456789012345678901234"));
    assertThat(ValueParsers.parse(ColumnType.DECIMAL, "2.50")).isEqualTo(new BigDecimal("2.50"));
    assertThat(ValueParsers.parse(ColumnType.BOOLEAN, "0")).isEqualTo(false);
    assertThat(ValueParsers.parse(ColumnType.DATE, "1987-06-17"))
        .isEqualTo(LocalDate.of(1987, 6, 17));
    assertThat(ValueParsers.parse(ColumnType.DATE, "1987-06-17 10:30:00")) // an Oracle DATE
        .isEqualTo(LocalDateTime.of(1987, 6, 17, 10, 30));
    assertThatThrownBy(() -> ValueParsers.parse(ColumnType.DATE, "1987-06-31"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid DATE value");
    assertThat(ValueParsers.parse(ColumnType.TIMESTAMP, "2024-08-09 19:27:17.7871234"))
        .isEqualTo(LocalDateTime.of(2024, 8, 9, 19, 27, 17, 787_123_400));
    assertThat(ValueParsers.parse(ColumnType.TIMESTAMP, "2024-08-09T19:27"))
        .isEqualTo(LocalDateTime.of(2024, 8, 9, 19, 27));
    assertThatThrownBy(() -> ValueParsers.parse(ColumnType.TIMESTAMP, "2024-02-30 00:00:00"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ValueParsers.parseDmsTimestamp("2024-08-09 19:27:17.787123"))
        .isEqualTo(Instant.parse("2024-08-09T19:27:17.787123Z"));
    assertThatThrownBy(() -> ValueParsers.parseDmsTimestamp("19:27:17 2024-08-09"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DMS timestamp");
  }
}
