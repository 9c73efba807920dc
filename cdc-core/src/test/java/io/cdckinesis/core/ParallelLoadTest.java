package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parallel full load, as the DMS user guide describes it: "Table and collection settings rules and
 * operations" ({@code parallel-load}: {@code partitions-auto}, {@code partitions-list}, {@code
 * ranges} with or without {@code segment-names}) together with "Using Amazon S3 as a target for AWS
 * Database Migration Service" (where the files land: {@code
 * [BucketFolder/]<schema>/<table>/<partition_name>/LOAD<hex>.csv}, or {@code
 * SEGMENT<n>_LOAD<hex>.csv} in the table folder). Every such file is the table's full load and
 * comes before its change files.
 */
class ParallelLoadTest {

  private static final DmsCsvSettings NO_ROOT = DmsCsvSettings.defaults();
  private static final DmsCsvSettings BUCKET = DmsCsvSettings.builder().bucketName("dms").build();
  private static final DmsCsvSettings FOLDER =
      DmsCsvSettings.builder().bucketName("dms").bucketFolder("hq/raw").build();

  /** Key, settings, then the table, partition and kind it must give, or the error it must raise. */
  static Stream<Arguments> s3Keys() {
    return Stream.of(
        // BucketName known, no BucketFolder: DMS writes <schema>/<table>/ at the bucket root
        key("dbo/sales/p2024/LOAD00000001.csv", BUCKET, "dbo.sales", "p2024", "FULL_LOAD"),
        key("dbo/sales/LOAD00000001.csv", BUCKET, "dbo.sales", null, "FULL_LOAD"),
        key("dbo/sales/SEGMENT2_LOAD00000009.csv", BUCKET, "dbo.sales", null, "FULL_LOAD"),
        key("dbo/sales/SEGMENT12_LOAD0000000A.csv.gz", BUCKET, "dbo.sales", null, "FULL_LOAD"),
        key("dbo/sales/20240809-192717787.csv", BUCKET, "dbo.sales", null, "CDC"),
        fails("hq/dbo/sales/20240809-192717787.csv", BUCKET, "at the bucket root"),
        fails("dbo/sales/p1/SEGMENT1_LOAD00000001.csv", BUCKET, "<schema>/<table>/SEGMENT1"),
        fails("dbo/sales/p1/20240809-192717787.csv", BUCKET, "<schema>/<table>/20240809"),
        fails("dbo/sales/p1/x/LOAD00000001.csv", BUCKET, "<table>/[<partition>/]LOAD"),
        // BucketFolder: the layout below it is exact
        key("hq/raw/dbo/sales/p2024/LOAD00000001.csv", FOLDER, "dbo.sales", "p2024", "FULL_LOAD"),
        key("hq/raw/dbo/sales/LOAD00000002.csv", FOLDER, "dbo.sales", null, "FULL_LOAD"),
        key("hq/raw/dbo/sales/SEGMENT1_LOAD00000001.csv", FOLDER, "dbo.sales", null, "FULL_LOAD"),
        fails("hq/raw/x/dbo/sales/20240809-192717787.csv", FOLDER, "under BucketFolder hq/raw"),
        key("hq/raw/x/dbo/sales/LOAD00000001.csv", FOLDER, "x.dbo", "sales", "FULL_LOAD"),
        fails("hq/dbo/sales/LOAD00000001.csv", FOLDER, "not under BucketFolder hq/raw"),
        // no BucketFolder: DMS writes at the bucket's root, so the layout starts there
        key("dbo/sales/SEGMENT1_LOAD00000001.csv", NO_ROOT, "dbo.sales", null, "FULL_LOAD"),
        key("dbo/sales/p2024/LOAD00000001.csv", NO_ROOT, "dbo.sales", "p2024", "FULL_LOAD"),
        fails("exports/dbo/sales/20240809-192717787.csv", NO_ROOT, "give BucketFolder"));
  }

  private static Arguments key(
      String key, DmsCsvSettings s, String table, String partition, String kind) {
    return Arguments.of(key, s, table, partition, kind, null);
  }

  private static Arguments fails(String key, DmsCsvSettings s, String error) {
    return Arguments.of(key, s, null, null, null, error);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("s3Keys")
  void s3KeysOfParallelLoads(
      String key,
      DmsCsvSettings settings,
      String table,
      String partition,
      String kind,
      String error) {
    if (error != null) {
      assertThatThrownBy(() -> DmsObjectKey.parse(key, settings))
          .isInstanceOf(NotDmsObjectException.class)
          .hasMessageContaining(error);
      return;
    }
    DmsObjectKey k = DmsObjectKey.parse(key, settings);
    assertThat(k.table()).isEqualTo(TableId.parse(table));
    assertThat(k.partition()).isEqualTo(partition);
    assertThat(k.kind()).isEqualTo(DmsFileKind.valueOf(kind));
  }

  /** Local copies: the BucketFolder (or a folder named like the bucket) in the path anchors. */
  static Stream<Arguments> localPaths() {
    DmsCsvSettings folder = DmsCsvSettings.builder().bucketFolder("hq").build();
    return Stream.of(
        Arguments.of("/tmp/copy/hq/dbo/sales/p2024/LOAD00000001.csv", folder, "dbo.sales", "p2024"),
        Arguments.of("/tmp/copy/hq/dbo/sales/LOAD00000001.csv", folder, "dbo.sales", null),
        // a schema named like the bucket folder: the first occurrence the layout fits
        Arguments.of("/data/hq/hq/orders/LOAD00000001.csv", folder, "hq.orders", null),
        Arguments.of("C:\\dms\\hq\\dbo\\sales\\p1\\LOAD00000001.csv", folder, "dbo.sales", "p1"),
        Arguments.of("/home/me/dms/dbo/sales/p2024/LOAD00000001.csv", BUCKET, "dbo.sales", "p2024"),
        // BucketFolder not in the path: the last two folders
        Arguments.of("/tmp/elsewhere/dbo/sales/LOAD00000001.csv", folder, "dbo.sales", null),
        Arguments.of("/tmp/x/dbo/sales/p2024/LOAD00000001.csv", NO_ROOT, "sales.p2024", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("localPaths")
  void localPathsOfParallelLoads(
      String path, DmsCsvSettings settings, String table, String partition) {
    DmsObjectKey k = DmsObjectKey.parsePath(path, settings);
    assertThat(k.table()).isEqualTo(TableId.parse(table));
    assertThat(k.partition()).isEqualTo(partition);
  }

  @Test
  void segmentFileNames() {
    DmsFileName s = DmsFileName.parse("SEGMENT3_LOAD0000000A.csv.gz").orElseThrow();
    assertThat(s.kind()).isEqualTo(DmsFileKind.FULL_LOAD);
    assertThat(s.segment()).isEqualTo(3);
    assertThat(s.compressed()).isTrue();
    assertThat(s.sequence()).isEqualTo(DmsFileName.parse("LOAD0000000A.csv").get().sequence());
    assertThat(DmsFileName.parse("LOAD00000001.csv").get().segment()).isZero();
    for (String notDms :
        List.of(
            "SEGMENT_LOAD00000001.csv",
            "SEGMENTx_LOAD00000001.csv",
            "SEGMENT1LOAD00000001.csv",
            "SEGMENT1_LOAD0001.csv",
            "SEGMENT1_20240809-192717787.csv")) {
      assertThat(DmsFileName.parse(notDms)).as(notDms).isEmpty();
    }
  }

  @Test
  void everyFullLoadFileOfATableComesBeforeItsChangeFiles() {
    // as listed from a bucket with partitions-auto on dbo.sales and ranges on dbo.orders
    List<String> keys =
        List.of(
            "dbo/orders/SEGMENT1_LOAD00000001.csv",
            "dbo/orders/SEGMENT2_LOAD00000002.csv",
            "dbo/orders/SEGMENT3_LOAD00000003.csv",
            "dbo/orders/20240809-192717787.csv",
            "dbo/sales/p2023/LOAD00000001.csv",
            "dbo/sales/p2023/LOAD00000002.csv",
            "dbo/sales/p2024/LOAD00000001.csv",
            "dbo/sales/20240809-192700000.csv",
            "dbo/sales/20240809-192717787.csv");
    List<DmsObjectKey> parsed = new ArrayList<>();
    for (String k : keys) {
      parsed.add(DmsObjectKey.parse(k, BUCKET));
    }
    List<DmsObjectKey> shuffled = new ArrayList<>(parsed);
    Collections.reverse(shuffled);
    Collections.sort(shuffled);
    // among full-load files: by counter, then key (total, but it carries no meaning)
    assertThat(shuffled)
        .extracting(DmsObjectKey::key)
        .containsExactly(
            "dbo/orders/SEGMENT1_LOAD00000001.csv",
            "dbo/orders/SEGMENT2_LOAD00000002.csv",
            "dbo/orders/SEGMENT3_LOAD00000003.csv",
            "dbo/orders/20240809-192717787.csv",
            "dbo/sales/p2023/LOAD00000001.csv",
            "dbo/sales/p2024/LOAD00000001.csv",
            "dbo/sales/p2023/LOAD00000002.csv",
            "dbo/sales/20240809-192700000.csv",
            "dbo/sales/20240809-192717787.csv");

    // positions (what the consumer fences by) agree: any full-load row before any change row
    List<String> uris = new ArrayList<>(keys.stream().map(k -> "s3://dms/" + k).toList());
    Collections.reverse(uris);
    uris.sort(DmsFileName.LOCATION_ORDER);
    assertThat(uris.subList(0, 6)).allMatch(u -> u.contains("LOAD"));
    assertThat(uris.subList(6, 9)).noneMatch(u -> u.contains("LOAD"));
    SourcePosition lastLoadRow =
        new SourcePosition("s3://dms/dbo/sales/p2024/LOAD00000001.csv", 1_000_000, 1_000_000);
    SourcePosition firstChange =
        new SourcePosition("s3://dms/dbo/sales/20240809-192700000.csv", 1, 1);
    assertThat(firstChange.isAfter(lastLoadRow)).isTrue();
    assertThat(firstChange.sortKey()).isGreaterThan(lastLoadRow.sortKey());
  }

  @Test
  void rowsOfPartitionAndSegmentFilesAreTheTablesLoadRows() {
    TableDefinitions tables =
        TableDefinitions.of(
            TableDefinition.builder("dbo", "sales")
                .columns("id", "amount")
                .primaryKey("id")
                .build());
    ReaderHarness h = ReaderHarness.of(BUCKET, tables);
    h.read("dbo/sales/p2024/LOAD00000001.csv", "1,10.00\n2,20.00\n");
    h.read("dbo/sales/SEGMENT2_LOAD00000009.csv", "3,30.00\n");
    assertThat(h.records).extracting(ChangeRecord::operation).containsOnly(Operation.LOAD);
    assertThat(h.records)
        .extracting(ChangeRecord::tableId)
        .containsOnly(TableId.of("dbo", "sales"));
    assertThat(h.records).extracting(r -> r.value("id")).containsExactly("1", "2", "3");
  }

  @Test
  void aPartitionOnlyHoldsLoadFiles() {
    DmsFileName cdc = DmsFileName.parse("20240809-192717787.csv").orElseThrow();
    assertThatThrownBy(() -> new DmsObjectKey("k", "", TableId.of("a", "b"), "p1", null, cdc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only LOAD<hex>.csv files sit in a partition folder");
  }
}
