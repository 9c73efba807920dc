package io.cdckinesis.core;

import static io.cdckinesis.core.ReaderHarness.gzip;
import static io.cdckinesis.core.ReaderHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One small input per DMS endpoint setting that shapes the CSV: each row says how DMS would have
 * written the input and what must come out. Records render as {@code OP[v1|v2|...]@timestamp}, NULL
 * as {@code ∅}; rejected rows as {@code REJECT REASON line N}.
 */
class DmsSettingsMatrixTest {

  private static final String LOAD = "shop/customers/LOAD00000001.csv";
  private static final String CDC = "shop/customers/20240809-192717787.csv";
  private static final String TS = "2024-08-09 19:27:17.787123";
  private static final String TS_OUT = "@2024-08-09T19:27:17.787123Z";

  private static final TableDefinitions CUSTOMERS =
      TableDefinitions.of(
          TableDefinition.builder("shop", "customers")
              .columns("id", "name", "note")
              .primaryKey("id")
              .build());
  private static final TableDefinitions KEY_ONLY =
      TableDefinitions.of(TableDefinition.builder("shop", "customers").primaryKey("id").build());
  private static final TableDefinitions WITH_TS_COLUMN =
      TableDefinitions.of(
          TableDefinition.builder("shop", "customers")
              .columns("id", "changed_at", "name", "note")
              .build());
  private static final TableDefinitions TYPED =
      TableDefinitions.fromJson(
          "{\"shop.customers\": {\"columns\": [\"id\", \"name\", \"note\"],"
              + " \"types\": {\"id\": \"INT\", \"name\": \"DATETIME2(7)\", \"note\": \"BIT\"}}}",
          "test");
  private static final TableDefinitions TXN_TABLES =
      TableDefinitions.of(
          TableDefinition.builder("shop", "customers").columns("id", "name").build(),
          TableDefinition.builder("shop", "orders")
              .column("id", ColumnType.INTEGER)
              .column("total", ColumnType.DECIMAL)
              .primaryKey("id")
              .build());

  private static DmsCsvSettings.Builder dms() {
    return DmsCsvSettings.builder();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        row(
            "defaults: no header, no Op in full load",
            dms(),
            CUSTOMERS,
            LOAD,
            "1,Ann,x\n2,Bob,y\n",
            "LOAD[1|Ann|x]",
            "LOAD[2|Bob|y]"),
        row(
            "defaults: CDC rows carry I/U/D",
            dms(),
            CUSTOMERS,
            CDC,
            "I,1,Ann,x\nU,1,Ann,z\nD,1,Ann,z\nX,1,Ann,z\n",
            "INSERT[1|Ann|x]",
            "UPDATE[1|Ann|z]",
            "DELETE[1|Ann|z]",
            "REJECT UNKNOWN_OPERATION line 4"),
        row(
            "CsvDelimiter |",
            dms().csvDelimiter("|"),
            CUSTOMERS,
            LOAD,
            "1|Ann, Jr.|x\n",
            "LOAD[1|Ann, Jr.|x]"),
        row(
            "CsvDelimiter tab",
            dms().set("CsvDelimiter", "\\t"),
            CUSTOMERS,
            LOAD,
            "1\tAnn\tx y\n",
            "LOAD[1|Ann|x y]"),
        row(
            "CsvRowDelimiter \\r\\n: no \\r left in the last value",
            dms().csvRowDelimiter("\r\n"),
            CUSTOMERS,
            LOAD,
            "1,Ann,x\r\n2,\"B\r\nob\",y\r\n3,Cy,z",
            "LOAD[1|Ann|x]",
            "LOAD[2|B\\r\\nob|y]",
            "LOAD[3|Cy|z]"),
        row(
            "CsvRowDelimiter \\n keeps a \\r inside a quoted value",
            dms(),
            CUSTOMERS,
            LOAD,
            "1,\"a\r\nb\",x\n",
            "LOAD[1|a\\r\\nb|x]"),
        row(
            "no CsvNullValue: unquoted empty is NULL, quoted empty is ''",
            dms(),
            CUSTOMERS,
            LOAD,
            "1,,\"\"\n",
            "LOAD[1|∅|'']"),
        row(
            "CsvNullValue NULL: only the unquoted token is NULL",
            dms().csvNullValue("NULL"),
            CUSTOMERS,
            LOAD,
            "1,NULL,\"NULL\"\n2,,\"\"\n3,\"a\"\"b\",NULLx\n",
            "LOAD[1|∅|NULL]",
            "LOAD[2|''|'']",
            "LOAD[3|a\"b|NULLx]"),
        row(
            "AddColumnName: columns from the header",
            dms().addColumnName(true),
            KEY_ONLY,
            LOAD,
            "id,name,memo\n1,Ann,x\n",
            "LOAD[1|Ann|x] id,name,memo"),
        row(
            "AddColumnName with Op header in CDC",
            dms().addColumnName(true),
            KEY_ONLY,
            CDC,
            "Op,id,name\nD,1,Ann\n",
            "DELETE[1|Ann] id,name"),
        row(
            "AddColumnName: a header without Op means no Op field",
            dms().addColumnName(true),
            KEY_ONLY,
            CDC,
            "id,name\nI,Ann\n",
            "INSERT[I|Ann] id,name"),
        row(
            "IncludeOpForFullLoad: I rows are LOAD, U/D are rejected",
            dms().includeOpForFullLoad(true),
            CUSTOMERS,
            LOAD,
            "I,1,Ann,x\nU,2,Bob,y\nD,3,Cy,z\n",
            "LOAD[1|Ann|x]",
            "REJECT UNKNOWN_OPERATION line 2",
            "REJECT UNKNOWN_OPERATION line 3"),
        row(
            "CdcInsertsOnly without IncludeOpForFullLoad: no Op, inserts",
            dms().cdcInsertsOnly(true),
            CUSTOMERS,
            CDC,
            "1,Ann,x\n",
            "INSERT[1|Ann|x]"),
        row(
            "CdcInsertsOnly with IncludeOpForFullLoad: I only",
            dms().cdcInsertsOnly(true).includeOpForFullLoad(true),
            CUSTOMERS,
            CDC,
            "I,1,Ann,x\nU,1,Ann,y\n",
            "INSERT[1|Ann|x]",
            "REJECT UNKNOWN_OPERATION line 2"),
        row(
            "CdcInsertsAndUpdates without IncludeOpForFullLoad: no Op, upserts as UPDATE",
            dms().cdcInsertsAndUpdates(true),
            CUSTOMERS,
            CDC,
            "1,Ann,x\n",
            "UPDATE[1|Ann|x]"),
        row(
            "CdcInsertsAndUpdates with IncludeOpForFullLoad: I and U, no D",
            dms().cdcInsertsAndUpdates(true).includeOpForFullLoad(true),
            CUSTOMERS,
            CDC,
            "I,1,Ann,x\nU,1,Ann,y\nD,1,Ann,y\n",
            "INSERT[1|Ann|x]",
            "UPDATE[1|Ann|y]",
            "REJECT UNKNOWN_OPERATION line 3"),
        row(
            "TimestampColumnName with header, found by name",
            dms().addColumnName(true).timestampColumnName("changed_at"),
            KEY_ONLY,
            CDC,
            "Op,id,changed_at,name\nI,1," + TS + ",Ann\nU,2,yesterday,Bob\n",
            "INSERT[1|Ann]" + TS_OUT + " id,name",
            "REJECT INVALID_VALUE line 3"),
        row(
            "TimestampColumnName without header: first field after Op",
            dms().timestampColumnName("changed_at"),
            CUSTOMERS,
            CDC,
            "U,2024-08-09 19:27:17,1,Ann,x\n",
            "UPDATE[1|Ann|x]@2024-08-09T19:27:17Z"),
        row(
            "TimestampColumnName without header and without Op: first field",
            dms().timestampColumnName("changed_at"),
            CUSTOMERS,
            LOAD,
            TS + ",1,Ann,x\n",
            "LOAD[1|Ann|x]" + TS_OUT),
        row(
            "TimestampColumnName listed by the definition: at its position",
            dms().timestampColumnName("changed_at"),
            WITH_TS_COLUMN,
            CDC,
            "I,1," + TS + ",Ann,x\n",
            "INSERT[1|Ann|x]" + TS_OUT),
        row(
            "CompressionType GZIP: gzip by the .gz suffix",
            dms(),
            CUSTOMERS,
            LOAD + ".gz",
            gzip(utf8("1,Ann,x\n")),
            "LOAD[1|Ann|x]"),
        row(
            "gzip by the magic bytes without the suffix",
            dms(),
            CUSTOMERS,
            LOAD,
            gzip(utf8("1,Ann,x\n")),
            "LOAD[1|Ann|x]"),
        row(
            "Rfc4180 false: quotes are ordinary characters",
            dms().rfc4180(false),
            CUSTOMERS,
            LOAD,
            "1,\"Ann\",say \"hi\n",
            "LOAD[1|\"Ann\"|say \"hi]"),
        row(
            "typed values from the table definition",
            dms(),
            TYPED,
            LOAD,
            "7,2024-01-02 03:04:05.5,1\n",
            "LOAD[7L|2024-01-02T03:04:05.500LDT|trueB]"),
        row(
            "PreserveTransactions: op,table,schema,values of several tables",
            dms().preserveTransactions(true).cdcPath("changes"),
            TXN_TABLES,
            "changes/CDC_TXN-20240809192717787.csv",
            "I,customers,shop,1,Ann\nU,orders,shop,7,2.50\nD,customers,shop,1,Ann\n"
                + "I,invoices,shop,9\n",
            "INSERT shop.customers[1|Ann]",
            "UPDATE shop.orders[7L|2.50BD]",
            "DELETE shop.customers[1|Ann]",
            "REJECT UNKNOWN_TABLE line 4"));
  }

  private static Arguments row(
      String name,
      DmsCsvSettings.Builder settings,
      TableDefinitions tables,
      String key,
      Object input,
      String... expected) {
    byte[] bytes = input instanceof byte[] b ? b : utf8((String) input);
    return Arguments.of(name, settings.build(), tables, key, bytes, List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void readsWhatDmsWrote(
      String name,
      DmsCsvSettings settings,
      TableDefinitions tables,
      String key,
      byte[] input,
      List<String> expected) {
    ReaderHarness h = new ReaderHarness(settings, tables, BadRowPolicy.SKIP).read(key, input);

    List<String> actual = new ArrayList<>();
    for (ChangeRecord r : h.records) {
      actual.add(render(r, key));
    }
    for (RejectedRow r : h.rejects) {
      actual.add("REJECT " + r.reason() + " line " + r.line());
    }
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private static String render(ChangeRecord r, String key) {
    StringBuilder sb = new StringBuilder(r.operation().name());
    if (key.contains("CDC_TXN")) {
      sb.append(' ').append(r.tableId());
    }
    sb.append('[');
    for (int i = 0; i < r.values().size(); i++) {
      if (i > 0) {
        sb.append('|');
      }
      sb.append(value(r.values().get(i)));
    }
    sb.append(']');
    if (r.commitTimestamp() != null) {
      sb.append('@').append(r.commitTimestamp());
    }
    if (!key.contains("CDC_TXN") && !r.columns().equals(List.of("id", "name", "note"))) {
      sb.append(' ').append(String.join(",", r.columns()));
    }
    return sb.toString();
  }

  private static String value(Object v) {
    if (v == null) {
      return "∅";
    }
    if (v instanceof String s) {
      String t = s.replace("\r", "\\r").replace("\n", "\\n");
      return t.isEmpty() ? "''" : t;
    }
    String suffix =
        v instanceof Long
            ? "L"
            : v instanceof java.math.BigDecimal
                ? "BD"
                : v instanceof Boolean ? "B" : v instanceof java.time.LocalDateTime ? "LDT" : "?";
    return v + suffix;
  }
}
