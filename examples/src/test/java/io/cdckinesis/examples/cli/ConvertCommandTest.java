package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cdc convert} run in-process, with captured output. */
class ConvertCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DMS = Fixtures.dmsReal();
  private static final String TABLES = DMS.resolve("tables.json").toString();

  @Test
  void convertsAFolderInDmsOrderOneEnvelopePerLine() throws Exception {
    Path folder = DMS.resolve("mysql-classicmodels");
    CliRun run = CliRun.cdc("convert", "--tables", TABLES, folder.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    List<ChangeRecord> records = run.records();
    assertThat(records).hasSize(122 + 4);
    // the full load comes first, then the changes, whatever the walk order
    assertThat(records.subList(0, 122))
        .allSatisfy(r -> assertThat(r.operation()).isEqualTo(Operation.LOAD));
    assertThat(records.subList(122, 126))
        .extracting(ChangeRecord::operation)
        .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE, Operation.INSERT);
    JsonNode first = JSON.readTree(run.lines().get(0));
    assertThat(first.at("/metadata/source-uri").asText())
        .isEqualTo(
            folder.resolve("classicmodels/customers/LOAD00000001.csv").toString()); // as given
    assertThat(first.at("/data/customerName").asText()).isEqualTo("Atelier graphique");
    assertThat(first.at("/metadata/primary-key/0").asText()).isEqualTo("customerNumber");
  }

  @Test
  void filesGivenOutOfOrderAreConvertedInDmsOrder() {
    Path customers = DMS.resolve("mysql-classicmodels/classicmodels/customers");
    CliRun run =
        CliRun.cdc(
            "convert",
            "--tables",
            TABLES,
            customers.resolve("20240809-192717787.csv").toString(),
            customers.resolve("LOAD00000001.csv").toString());
    assertThat(run.exit()).isZero();
    assertThat(run.records().get(0).operation()).isEqualTo(Operation.LOAD);
    assertThat(run.records().get(125).operation()).isEqualTo(Operation.INSERT);
  }

  @Test
  void headerAndGzipFilesWithSettingsFileKeepUtf8(@TempDir Path dir) throws Exception {
    Path settings = dir.resolve("s3.json");
    Files.writeString(settings, "{\"S3Settings\": {\"AddColumnName\": true}}");
    CliRun run =
        CliRun.cdc(
            "convert",
            "--settings",
            settings.toString(),
            "--tables",
            TABLES,
            DMS.resolve("garment-erp").toString());

    assertThat(run.exit()).isZero();
    List<ChangeRecord> records = run.records();
    assertThat(records).hasSize(21 + 16 + 89);
    assertThat(records.get(0).table()).isEqualTo("BOM_HD");
    ChangeRecord sc = records.get(21);
    assertThat(sc.table()).isEqualTo("SC_HD");
    assertThat(sc.position().objectUri()).endsWith("20180831-002828106.csv.gz");
    assertThat(sc.value("STYLE_CHN_DESC")).isEqualTo("男装针织全棉短袖半胸筒T恤,扁机领,无袋");
    assertThat(records.get(125).position().objectUri()).endsWith("20180831-021912942.csv.gz");
  }

  @Test
  void explicitSchemaAndTableNeedOnlyADmsFileName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("LOAD00000001.csv");
    Files.writeString(file, "id,name\n1,Ann\n");
    Path settings = dir.resolve("s3.json");
    Files.writeString(settings, "{\"AddColumnName\": true}");
    CliRun run =
        CliRun.cdc(
            "convert",
            "--settings",
            settings.toString(),
            "--schema",
            "app",
            "--table",
            "users",
            file.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.records())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.tableId().toString()).isEqualTo("app.users");
              assertThat(r.data()).containsEntry("id", "1").containsEntry("name", "Ann");
            });
  }

  private static Path badFile(Path dir) throws Exception {
    Path file = dir.resolve("shop/customers/LOAD00000001.csv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "1,Ann,x\n2,Secret Bob\n3,Cy,z\n4,Dee,w,extra\n");
    return file;
  }

  private static Path tables(Path dir) throws Exception {
    Path tables = dir.resolve("tables.json");
    Files.writeString(tables, "{\"shop.customers\": {\"columns\": [\"id\", \"name\", \"note\"]}}");
    return tables;
  }

  @Test
  void failModeStopsAtTheFirstBadRowWithExit1(@TempDir Path dir) throws Exception {
    Path file = badFile(dir);
    CliRun run = CliRun.cdc("convert", "--tables", tables(dir).toString(), file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(file + ":2: WRONG_FIELD_COUNT: expected 3 fields, found 2\n");
    assertThat(run.records()).extracting(r -> r.value("id")).containsExactly("1");
  }

  @Test
  void skipModeWritesGoodRowsReportsBadOnesAndExits3(@TempDir Path dir) throws Exception {
    Path file = badFile(dir);
    CliRun run =
        CliRun.cdc(
            "convert", "--on-error", "skip", "--tables", tables(dir).toString(), file.toString());

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.records()).extracting(r -> r.value("id")).containsExactly("1", "3");
    assertThat(run.err())
        .isEqualTo(
            file
                + ":2: WRONG_FIELD_COUNT: expected 3 fields, found 2\n"
                + file
                + ":4: WRONG_FIELD_COUNT: expected 3 fields, found 4\n")
        .doesNotContain("Secret")
        .doesNotContain("Dee");
  }

  @Test
  void aPathThatIsNotADmsFileIsAClearError(@TempDir Path dir) throws Exception {
    Path notes = dir.resolve("notes.txt");
    Files.writeString(notes, "hello");
    Path good = DMS.resolve("mysql-classicmodels/classicmodels/customers/20240809-192717787.csv");

    CliRun fail = CliRun.cdc("convert", "--tables", TABLES, notes.toString(), good.toString());
    assertThat(fail.exit()).isEqualTo(1);
    assertThat(fail.err())
        .startsWith(notes + ": not a DMS data file: file name notes.txt is none of");
    assertThat(fail.out()).isEmpty();

    CliRun skip =
        CliRun.cdc(
            "convert", "--on-error", "skip", "--tables", TABLES, notes.toString(), good.toString());
    assertThat(skip.exit()).isEqualTo(3);
    assertThat(skip.err()).startsWith(notes + ": not a DMS data file");
    assertThat(skip.records()).hasSize(4);

    CliRun missing = CliRun.cdc("convert", dir.resolve("nothing-here").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("nothing-here: no such file or folder");
  }

  @Test
  void aFolderWithoutDmsFilesSaysWhatItHoldsAndExits1(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("customers.csv"), "1,Ann\n");
    Files.createDirectories(dir.resolve("dbo/sales"));
    Files.writeString(dir.resolve("dbo/sales/part-0000.csv.gz"), "");
    Files.writeString(dir.resolve("dbo/sales/LOAD1.csv"), "1,x\n");
    Files.writeString(dir.resolve("README.md"), "exports");

    for (String onError : List.of("fail", "skip")) {
      CliRun run = CliRun.cdc("convert", "--on-error", onError, dir.toString());
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .isEqualTo(
              "cdc convert: no DMS data files under "
                  + dir
                  + ": found 4 files (README.md, customers.csv, LOAD1.csv, ...), none named"
                  + " LOAD<hex>.csv, SEGMENT<n>_LOAD<hex>.csv, <yyyyMMdd-HHmmssSSS>.csv,"
                  + " CDC_TXN-<yyyyMMddHHmmssSSS>.csv (optionally .gz); DMS writes them in"
                  + " <schema>/<table>/ folders\n");
    }
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliRun none = CliRun.cdc("convert", empty.toString());
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err())
        .isEqualTo(
            "cdc convert: no DMS data files under "
                + empty
                + ": found no files at all; DMS writes them in <schema>/<table>/ folders\n");
  }

  @Test
  void parallelLoadFilesAreTheTablesFullLoadBeforeItsChanges(@TempDir Path dir) throws Exception {
    // a copy of a bucket (s3://dms) with parallel-load on dbo.sales: partitions and segments
    Path bucket = dir.resolve("dms");
    Path sales = Files.createDirectories(bucket.resolve("dbo/sales"));
    Files.createDirectories(sales.resolve("p2024"));
    Files.writeString(sales.resolve("20240809-192717787.csv"), "U,1,11.00\n");
    Files.writeString(sales.resolve("p2024/LOAD00000001.csv"), "1,10.00\n");
    Files.writeString(sales.resolve("SEGMENT2_LOAD00000002.csv"), "2,20.00\n");
    Path settings = dir.resolve("s3.json");
    Files.writeString(settings, "{\"S3Settings\": {\"BucketName\": \"dms\"}}");
    Path tables = dir.resolve("tables.json");
    Files.writeString(
        tables, "{\"dbo.sales\": {\"columns\": [\"id\", \"amount\"], \"primaryKey\": [\"id\"]}}");

    CliRun run =
        CliRun.cdc(
            "convert",
            "--settings",
            settings.toString(),
            "--tables",
            tables.toString(),
            dir.toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.exit()).isZero();
    assertThat(run.records())
        .extracting(r -> r.tableId().toString(), ChangeRecord::operation, r -> r.value("id"))
        .containsExactly(
            tuple("dbo.sales", Operation.LOAD, "1"),
            tuple("dbo.sales", Operation.LOAD, "2"),
            tuple("dbo.sales", Operation.UPDATE, "1"));
  }

  @Test
  void fileLevelDamageIsReportedAndSkippedInSkipMode(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("shop/customers");
    Files.createDirectories(table);
    Files.writeString(table.resolve("LOAD00000001.csv"), "1,Ann,x\n2,\"Bob,y\n");
    Files.writeString(table.resolve("20240101-000000000.csv"), "I,3,Cy,z\n");
    CliRun run =
        CliRun.cdc(
            "convert", "--on-error", "skip", "--tables", tables(dir).toString(), dir.toString());
    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.records()).extracting(r -> r.value("id")).containsExactly("1", "3");
    assertThat(run.err())
        .isEqualTo(
            table.resolve("LOAD00000001.csv")
                + ":2: UNTERMINATED_QUOTE: a quoted field is not closed before the end of the"
                + " data\n");
  }

  @Test
  void badSettingsAndUsageErrors(@TempDir Path dir) throws Exception {
    Path settings = dir.resolve("s3.json");
    Files.writeString(settings, "{\"DataFormat\": \"parquet\"}");
    CliRun bad = CliRun.cdc("convert", "--settings", settings.toString(), dir.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("DataFormat parquet is not supported");

    assertThat(CliRun.cdc("convert", "--on-error", "maybe", dir.toString()).exit()).isEqualTo(2);
    assertThat(CliRun.cdc("convert", "--schema", "a", dir.toString()).exit()).isEqualTo(2);
    assertThat(CliRun.cdc("convert").exit()).isEqualTo(2);
  }
}
