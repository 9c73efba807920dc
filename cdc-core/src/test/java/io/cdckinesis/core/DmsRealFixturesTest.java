package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The real DMS outputs under fixtures/dms-real. Expected counts and values were looked up in the
 * files by hand (and counted with Python's csv module), not produced by this reader.
 */
class DmsRealFixturesTest {

  private static final TableDefinitions TABLES =
      TableDefinitions.fromJson(Fixtures.dmsReal("tables.json"));
  private static final DmsCsvSettings NO_HEADER = DmsCsvSettings.defaults();
  private static final DmsCsvSettings HEADER = DmsCsvSettings.builder().addColumnName(true).build();
  private static final String CUSTOMERS = "mysql-classicmodels/classicmodels/customers/";
  private static final String EMPLOYEES = "oracle-hr/HR/EMPLOYEES/";
  private static final String ERP = "garment-erp/ERP/";

  private static ReaderHarness read(DmsCsvSettings settings, String relative) {
    return ReaderHarness.of(settings, TABLES).readPath(Fixtures.dmsReal(relative));
  }

  @Test
  void classicModelsFullLoadWithoutHeader() throws IOException {
    Path file = Fixtures.dmsReal(CUSTOMERS + "LOAD00000001.csv");
    ReaderHarness h = read(NO_HEADER, CUSTOMERS + "LOAD00000001.csv");

    // no field of this file spans lines: one row per line
    assertThat(h.records).hasSize(Files.readAllLines(file).size()).hasSize(122);
    assertThat(h.records).allSatisfy(r -> assertThat(r.operation()).isEqualTo(Operation.LOAD));
    ChangeRecord first = h.records.get(0);
    assertThat(first.tableId()).isEqualTo(TableId.of("classicmodels", "customers"));
    assertThat(first.columns())
        .containsExactlyElementsOf(TABLES.find("classicmodels", "customers").get().columns());
    assertThat(first.primaryKey()).containsExactly("customerNumber");
    assertThat(first.keyValues()).containsExactly("103");
    assertThat(first.value("customerName")).isEqualTo("Atelier graphique");
    assertThat(first.value("contactFirstName")).isEqualTo("Carine "); // trailing blank kept
    assertThat(first.value("addressLine1")).isEqualTo("54, rue Royale"); // quoted, with comma
    assertThat(first.value("addressLine2")).isNull(); // empty unquoted field: NULL
    assertThat(first.value("state")).isNull();
    assertThat(first.value("creditLimit")).isEqualTo("21000.00");
    assertThat(first.commitTimestamp()).isNull();
    assertThat(first.position()).isEqualTo(new SourcePosition(file.toString(), 1, 1));

    ChangeRecord volvo = byKey(h.records, "144");
    assertThat(volvo.value("customerName")).isEqualTo("Volvo Model Replicas, Co");
    assertThat(volvo.value("addressLine1")).isEqualTo("Berguvsvägen  8");
    assertThat(volvo.value("city")).isEqualTo("Luleå");
    assertThat(volvo.position().line()).isEqualTo(12);
    assertThat(byKey(h.records, "125").value("salesRepEmployeeNumber")).isNull();

    assertThat(h.finalProgress.rowsDone()).isEqualTo(122);
    assertThat(h.finalProgress.nextLine()).isEqualTo(123);
    assertThat(h.finalProgress.nextByteOffset()).isEqualTo(Files.size(file));
    assertThat(h.finalProgress.header()).isEmpty();
  }

  @Test
  void classicModelsChangesInsertUpdateDeleteInsertOnOneKey() {
    ReaderHarness h = read(NO_HEADER, CUSTOMERS + "20240809-192717787.csv");

    assertThat(h.records)
        .extracting(ChangeRecord::operation)
        .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE, Operation.INSERT);
    assertThat(h.records).allSatisfy(r -> assertThat(r.keyValues()).containsExactly("497"));
    assertThat(h.records)
        .extracting(r -> r.value("contactLastName") + "/" + r.value("contactFirstName"))
        .containsExactly("Mitesh/Valarie", "Ruffy/Valarie", "Ruffy/Valarie", "Mitesh/Ravatka");
    assertThat(h.records.get(3).columns()).hasSize(13).doesNotContain("Op");
  }

  @Test
  void oracleHrFullLoadWithHeader() throws IOException {
    Path file = Fixtures.dmsReal(EMPLOYEES + "LOAD00000001.csv");
    List<String> lines = Files.readAllLines(file);
    ReaderHarness h = read(HEADER, EMPLOYEES + "LOAD00000001.csv");

    assertThat(h.records).hasSize(lines.size() - 1).hasSize(1900);
    ChangeRecord king = h.records.get(0);
    assertThat(king.operation()).isEqualTo(Operation.LOAD);
    assertThat(king.columns()).containsExactly(lines.get(0).split(","));
    assertThat(king.primaryKey()).containsExactly("EMPLOYEE_ID");
    assertThat(king.value("EMPLOYEE_ID")).isEqualTo("100");
    assertThat(king.value("LAST_NAME")).isEqualTo("King");
    assertThat(king.value("HIRE_DATE")).isEqualTo("1987-06-17 00:00:00");
    assertThat(king.value("COMMISSION_PCT")).isNull();
    assertThat(king.value("MANAGER_ID")).isNull();
    assertThat(king.position().line()).isEqualTo(2);
    assertThat(h.records.get(1899).position().line()).isEqualTo(1901);
    assertThat(h.finalProgress.header()).containsExactly(lines.get(0).split(","));
    assertThat(h.finalProgress.nextByteOffset()).isEqualTo(Files.size(file));
  }

  @Test
  void oracleHrChangesWithOpHeader() throws IOException {
    Path file = Fixtures.dmsReal(EMPLOYEES + "20190118-184518184.csv");
    ReaderHarness h = read(HEADER, EMPLOYEES + "20190118-184518184.csv");

    assertThat(h.records).hasSize(Files.readAllLines(file).size() - 1).hasSize(17);
    assertThat(h.records).allSatisfy(r -> assertThat(r.operation()).isEqualTo(Operation.UPDATE));
    ChangeRecord first = h.records.get(0);
    assertThat(first.columns()).hasSize(11).doesNotContain("Op").startsWith("EMPLOYEE_ID");
    assertThat(first.value("EMPLOYEE_ID")).isEqualTo("321");
    assertThat(first.value("FIRST_NAME")).isEqualTo("William115");
    assertThat(first.value("LAST_NAME")).isEqualTo("Gietzupd2");
    assertThat(h.finalProgress.header()).startsWith("Op", "EMPLOYEE_ID");
  }

  @Test
  void garmentErpBomHeaderGzip() throws IOException {
    ReaderHarness h = read(HEADER, ERP + "BOM_HD/20180820-084657015.csv.gz");

    assertThat(h.records).hasSize(gunzipLines(ERP + "BOM_HD/20180820-084657015.csv.gz") - 1);
    assertThat(h.records).hasSize(21);
    assertThat(h.records.stream().filter(r -> r.operation() == Operation.INSERT).count())
        .isEqualTo(1);
    ChangeRecord insert = h.records.get(9);
    assertThat(insert.operation()).isEqualTo(Operation.INSERT);
    assertThat(insert.keyValues()).containsExactly("GS18W36991");
    assertThat(insert.value("STYLE_NO")).isEqualTo("JJO-JPRNICK JR");
    assertThat(insert.value("REMARKS")).isNull();
    assertThat(insert.columns()).hasSize(23);
  }

  @Test
  void garmentErpSalesContractsWithMultiLineChineseFields() {
    ReaderHarness h = read(HEADER, ERP + "SC_HD/20180831-002828106.csv.gz");

    assertThat(h.records).hasSize(16);
    assertThat(h.records).allSatisfy(r -> assertThat(r.operation()).isEqualTo(Operation.UPDATE));
    // each row spans five lines (its NOTE holds \r\n line breaks): rows start on 2, 7, 12...
    assertThat(h.records.subList(0, 5))
        .extracting(r -> r.position().line())
        .containsExactly(2L, 7L, 12L, 17L, 22L);
    ChangeRecord first = h.records.get(0);
    assertThat(first.columns()).hasSize(153);
    assertThat(first.primaryKey()).containsExactly("SC_NO", "SC_REV_NO");
    assertThat(first.keyValues()).containsExactly("GS18K38757", "0");
    assertThat(first.value("STYLE_CHN_DESC")).isEqualTo("男装针织全棉短袖半胸筒T恤,扁机领,无袋");
    assertThat(first.value("NOTE"))
        .isEqualTo(
            "1. CKM办单----此为CKJ里面的高档路线, 办衫要完美, 尺寸做工重要\r\n\r\n2. 已安排主身布测缩率。\r\n\r\n"
                + "3. 特别注意筒做工和尺寸，做工要好，尺寸要跟回尺寸表。");
    assertThat(first.value("REMARKS")).isNull();
    assertThat(first.value("STYLE_DESC"))
        .isEqualTo("MEN`S KNIT  Cotton Short Sleeve Polo neck with Flat Knit Collar and No Pocket");
    assertThat(h.finalProgress.nextLine()).isEqualTo(82); // 81 line breaks in the file
  }

  @Test
  void garmentErpSecondSalesContractFileWithEscapedQuotes() {
    ReaderHarness h = read(HEADER, ERP + "SC_HD/20180831-021912942.csv.gz");

    assertThat(h.records).hasSize(89);
    assertThat(h.records.stream().filter(r -> r.operation() == Operation.INSERT).count())
        .isEqualTo(1);
    ChangeRecord quoted =
        h.records.stream().filter(r -> r.position().line() == 270).findFirst().orElseThrow();
    assertThat(quoted.keyValues()).containsExactly("GS18K38804", "0");
    assertThat((String) quoted.value("NOTE"))
        .startsWith("客评：\r\n1.袖口往外折后用平车线固定")
        .contains("3.罗纹领高度改为5/8\"\r\n4.");
    assertThat(h.records.get(88).position().line()).isEqualTo(880);
    ChangeRecord sixth = h.records.get(5);
    assertThat(sixth.position().line()).isEqualTo(38);
    assertThat(sixth.value("SC_NO")).isEqualTo("S18R12922");
    assertThat(sixth.value("STYLE_CHN_DESC")).isEqualTo("男装 梭织 100% 全棉 长袖 正装衬衫 , 插竹领 , 无袋");
  }

  @Test
  void everyFixtureFileConvertsToEnvelopesThatDecodeBack() throws IOException {
    EnvelopeCodec codec = EnvelopeCodec.create();
    List<Path> files;
    try (var walk = Files.walk(Fixtures.dmsReal())) {
      files =
          walk.filter(p -> DmsFileName.parse(p.getFileName().toString()).isPresent())
              .sorted()
              .collect(Collectors.toList());
    }
    assertThat(files).hasSize(7);
    int total = 0;
    for (Path f : files) {
      DmsCsvSettings settings = f.toString().contains("classicmodels") ? NO_HEADER : HEADER;
      ReaderHarness h = ReaderHarness.of(settings, TABLES).readPath(f);
      for (ChangeRecord r : h.records) {
        assertThat(codec.decodeRecord(codec.encode(r))).isEqualTo(r);
      }
      total += h.records.size();
    }
    assertThat(total).isEqualTo(122 + 4 + 1900 + 17 + 21 + 16 + 89);
  }

  private static ChangeRecord byKey(List<ChangeRecord> records, String key) {
    return records.stream()
        .filter(r -> r.keyValues().equals(List.of(key)))
        .findFirst()
        .orElseThrow();
  }

  private static int gunzipLines(String relative) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.dmsReal(relative)))) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return (int) text.chars().filter(c -> c == '\n').count();
    }
  }
}
