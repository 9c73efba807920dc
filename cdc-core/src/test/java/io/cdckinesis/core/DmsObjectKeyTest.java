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

class DmsObjectKeyTest {

  private static final DmsCsvSettings DEFAULTS = DmsCsvSettings.defaults();

  @Test
  void fullLoadKey() {
    DmsObjectKey k = DmsObjectKey.parse("dbo/Customer/LOAD0000000A.csv", DEFAULTS);
    assertThat(k.table()).isEqualTo(TableId.of("dbo", "Customer"));
    assertThat(k.prefix()).isEmpty();
    assertThat(k.kind()).isEqualTo(DmsFileKind.FULL_LOAD);
    assertThat(k.compressed()).isFalse();
    assertThat(k.datePartition()).isNull();
  }

  @Test
  void cdcKeyUnderBucketFolderCompressed() {
    DmsCsvSettings s = DmsCsvSettings.builder().bucketFolder("lake/raw").build();
    DmsObjectKey k = DmsObjectKey.parse("lake/raw/HR/EMPLOYEES/20190118-184518184.csv.gz", s);
    assertThat(k.prefix()).isEqualTo("lake/raw");
    assertThat(k.table()).isEqualTo(TableId.of("HR", "EMPLOYEES"));
    assertThat(k.kind()).isEqualTo(DmsFileKind.CDC);
    assertThat(k.compressed()).isTrue();
    assertThatThrownBy(() -> DmsObjectKey.parse("other/HR/EMPLOYEES/20190118-184518184.csv", s))
        .isInstanceOf(NotDmsObjectException.class)
        .hasMessage(
            "other/HR/EMPLOYEES/20190118-184518184.csv: not a DMS data file: not under"
                + " BucketFolder lake/raw (schema/table misplaced?)");
  }

  @Test
  void cdcTxnKeyHasNoTable() {
    DmsCsvSettings s =
        DmsCsvSettings.builder().preserveTransactions(true).cdcPath("changes").build();
    DmsObjectKey k = DmsObjectKey.parse("changes/CDC_TXN-20240809192717787.csv", s);
    assertThat(k.table()).isNull();
    assertThat(k.kind()).isEqualTo(DmsFileKind.CDC_TXN);
    assertThatThrownBy(() -> DmsObjectKey.parse("elsewhere/CDC_TXN-20240809192717787.csv", s))
        .isInstanceOf(NotDmsObjectException.class)
        .hasMessageContaining("CDC_TXN file outside CdcPath changes");
  }

  static Stream<Arguments> datePartitions() {
    return Stream.of(
        Arguments.of(DatePartitionSequence.YYYYMMDD, DatePartitionDelimiter.SLASH, "2024/08/09"),
        Arguments.of(
            DatePartitionSequence.YYYYMMDDHH, DatePartitionDelimiter.SLASH, "2024/08/09/19"),
        Arguments.of(DatePartitionSequence.YYYYMM, DatePartitionDelimiter.SLASH, "2024/08"),
        Arguments.of(DatePartitionSequence.MMYYYYDD, DatePartitionDelimiter.SLASH, "08/2024/09"),
        Arguments.of(DatePartitionSequence.DDMMYYYY, DatePartitionDelimiter.SLASH, "09/08/2024"),
        Arguments.of(DatePartitionSequence.YYYYMMDD, DatePartitionDelimiter.DASH, "2024-08-09"),
        Arguments.of(
            DatePartitionSequence.YYYYMMDDHH, DatePartitionDelimiter.UNDERSCORE, "2024_08_09_19"),
        Arguments.of(DatePartitionSequence.DDMMYYYY, DatePartitionDelimiter.NONE, "09082024"),
        Arguments.of(DatePartitionSequence.YYYYMM, DatePartitionDelimiter.DASH, "2024-08"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("datePartitions")
  void datePartitionFoldersAreSkippedInCdcPaths(
      DatePartitionSequence sequence, DatePartitionDelimiter delimiter, String folders) {
    DmsCsvSettings s =
        DmsCsvSettings.builder()
            .datePartitionEnabled(true)
            .datePartitionSequence(sequence)
            .datePartitionDelimiter(delimiter)
            .build();
    DmsObjectKey k = DmsObjectKey.parse("dbo/T/" + folders + "/20240809-192717787.csv", s);
    assertThat(k.table()).isEqualTo(TableId.of("dbo", "T"));
    assertThat(k.datePartition()).isEqualTo(folders);
    // full-load files are not partitioned
    assertThat(DmsObjectKey.parse("dbo/T/LOAD00000001.csv", s).table())
        .isEqualTo(TableId.of("dbo", "T"));
    assertThatThrownBy(() -> DmsObjectKey.parse("dbo/T/20240809-192717787.csv", s))
        .isInstanceOf(NotDmsObjectException.class)
        .hasMessageContaining("date part");
  }

  @Test
  void wrongLayoutsSayWhatIsWrong() {
    assertThatThrownBy(() -> DmsObjectKey.parse("Customer/LOAD00000001.csv", DEFAULTS))
        .isInstanceOf(NotDmsObjectException.class)
        .hasMessage(
            "Customer/LOAD00000001.csv: not a DMS data file: expected"
                + " <schema>/<table>/[<partition>/]LOAD00000001.csv at the bucket root"
                + " (BucketFolder is not set: if DMS writes under a folder, give BucketFolder)");
    assertThatThrownBy(() -> DmsObjectKey.parse("dbo/T/data.parquet", DEFAULTS))
        .isInstanceOf(NotDmsObjectException.class)
        .hasMessageContaining("file name data.parquet is none of LOAD<hex>.csv");
    assertThatThrownBy(() -> DmsObjectKey.parse("dbo//LOAD00000001.csv", DEFAULTS))
        .hasMessageContaining("empty folder name");
    assertThatThrownBy(() -> DmsObjectKey.parse("dbo/T/LOAD0001.csv", DEFAULTS))
        .isInstanceOf(NotDmsObjectException.class);
  }

  @Test
  void localPathsUseTheLastFoldersWhateverIsAbove() {
    DmsObjectKey k =
        DmsObjectKey.parsePath(
            "C:\\data\\fixtures\\HR\\EMPLOYEES\\LOAD00000001.csv",
            DmsCsvSettings.builder().bucketFolder("unrelated").build());
    assertThat(k.table()).isEqualTo(TableId.of("HR", "EMPLOYEES"));
    assertThat(DmsObjectKey.parsePath("/tmp/x/dbo/T/LOAD00000001.csv", DEFAULTS).prefix())
        .isEqualTo("tmp/x");
  }

  @Test
  void fileNamesOrderLikeDmsWritesThem() {
    List<String> names =
        List.of(
            "LOAD00000001.csv",
            "LOAD00000009.csv",
            "LOAD0000000A.csv.gz",
            "LOAD0000000F.csv",
            "LOAD00000010.csv",
            "20141029-1134010000.csv",
            "20190118-184518184.csv",
            "20190118-184518185.csv.gz",
            "CDC_TXN-20190118184519000.csv",
            "20240809-192717787.csv");
    List<DmsFileName> parsed = new ArrayList<>();
    for (String n : names) {
      parsed.add(DmsFileName.parse(n).orElseThrow());
    }
    List<DmsFileName> shuffled = new ArrayList<>(parsed);
    Collections.reverse(shuffled);
    Collections.sort(shuffled);
    assertThat(shuffled).extracting(DmsFileName::name).containsExactlyElementsOf(names);
    assertThat(DmsFileName.parse("LOAD00000009.csv").get())
        .isLessThan(DmsFileName.parse("LOAD0000000A.csv").get());
    assertThat(DmsFileName.parse("LOAD0000000a.csv").get().sequence())
        .isEqualTo(DmsFileName.parse("LOAD0000000A.csv").get().sequence());
    assertThat(DmsFileName.parse("notes.txt")).isEmpty();
    assertThat(DmsFileName.parseLastSegment("s3://b/dbo/T/LOAD00000002.csv").get().kind())
        .isEqualTo(DmsFileKind.FULL_LOAD);
  }

  @Test
  void sourcePositionsOrderByFileThenRow() {
    SourcePosition load2 = new SourcePosition("s3://b/dbo/T/LOAD00000002.csv", 5, 5);
    SourcePosition loadA = new SourcePosition("s3://b/dbo/T/LOAD0000000A.csv", 1, 1);
    SourcePosition cdc = new SourcePosition("s3://b/dbo/T/20240101-000000000.csv", 1, 2);
    SourcePosition cdcRow2 = new SourcePosition("s3://b/dbo/T/20240101-000000000.csv", 2, 9);
    SourcePosition later = new SourcePosition("s3://b/dbo/T/20240101-000000001.csv.gz", 1, 2);
    List<SourcePosition> sorted = new ArrayList<>(List.of(later, cdcRow2, cdc, loadA, load2));
    Collections.sort(sorted);
    assertThat(sorted).containsExactly(load2, loadA, cdc, cdcRow2, later);
    assertThat(later.isAfter(cdcRow2)).isTrue();
    assertThat(cdc.compareTo(new SourcePosition(cdc.objectUri(), 1, 2))).isZero();
    assertThat(cdc.toString()).isEqualTo("s3://b/dbo/T/20240101-000000000.csv:2 (row 1)");
    assertThatThrownBy(() -> new SourcePosition("u", 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
