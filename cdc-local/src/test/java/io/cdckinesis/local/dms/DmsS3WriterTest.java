package io.cdckinesis.local.dms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The shapes DMS writes for the situations of issue 11 ("Using Amazon S3 as a target": parallel
 * load, CsvNoSupValue, AddColumnName, truncate), read back with the project's own reader (typed by
 * the table definitions, so values compare with the source's).
 */
class DmsS3WriterTest {

  private static final String BUCKET = "b";
  private static final LocalDateTime AT = LocalDateTime.of(2026, 11, 24, 9, 0);
  private static final TableId CUSTOMERS = TableId.of("dbo", "customers");
  private static final TableId ORDERS = TableId.of("sales", "orders");
  private static final DmsCsvSettings HEADER =
      DmsCsvSettings.builder().bucketFolder("hq").addColumnName(true).build();

  private final MapS3 s3 = new MapS3();
  private final SourceDatabase db = new SourceDatabase(7, 3);

  private DmsS3Writer writer(DmsCsvSettings settings) {
    return new DmsS3Writer(s3, BUCKET, settings, 4, db.tables());
  }

  @Test
  void aSegmentedLoadWritesSegmentFilesWithOneCounterAcrossSegments() {
    db.populate(10);
    List<List<Object>> rows = new ArrayList<>(db.tables().get(ORDERS).rows().values());
    List<DmsS3Writer.WrittenFile> files =
        writer(HEADER)
            .writeSegmentedLoad(ORDERS, List.of(rows.subList(0, 6), rows.subList(6, 10)), AT);

    assertThat(files)
        .extracting(DmsS3Writer.WrittenFile::key)
        .containsExactly(
            "hq/sales/orders/SEGMENT1_LOAD00000001.csv",
            "hq/sales/orders/SEGMENT1_LOAD00000002.csv",
            "hq/sales/orders/SEGMENT2_LOAD00000003.csv");
    assertThat(files).extracting(DmsS3Writer.WrittenFile::rows).containsExactly(4, 2, 4);
    assertThat(readAll(HEADER, files)).extracting(ChangeRecord::values).isEqualTo(rows);
  }

  @Test
  void aPartitionedLoadWritesASubfolderPerPartitionReadAsTheTable() {
    db.populate(6);
    List<List<Object>> rows = new ArrayList<>(db.tables().get(CUSTOMERS).rows().values());
    Map<String, List<List<Object>>> partitions = new LinkedHashMap<>();
    partitions.put("p2025", rows.subList(0, 5));
    partitions.put("p2026", rows.subList(5, 6));
    List<DmsS3Writer.WrittenFile> files =
        writer(HEADER).writePartitionedLoad(CUSTOMERS, partitions, AT);

    assertThat(files)
        .extracting(DmsS3Writer.WrittenFile::key)
        .containsExactly(
            "hq/dbo/customers/p2025/LOAD00000001.csv",
            "hq/dbo/customers/p2025/LOAD00000002.csv",
            "hq/dbo/customers/p2026/LOAD00000001.csv");
    for (DmsS3Writer.WrittenFile f : files) {
      assertThat(DmsObjectKey.parse(f.key(), HEADER).table()).isEqualTo(CUSTOMERS);
    }
    assertThat(readAll(HEADER, files)).extracting(ChangeRecord::values).isEqualTo(rows);
  }

  @Test
  void anUntouchedLobIsWrittenAsCsvNoSupValueAndReadAsUnsupplied() {
    DmsCsvSettings noSup = HEADER.toBuilder().useCsvNoSupValue(true).csvNoSupValue("~NS~").build();
    db.populate(20);
    List<SourceChange> updates =
        db.change(400, CUSTOMERS).stream().filter(c -> c.operation() == Operation.UPDATE).toList();
    assertThat(updates).anyMatch(c -> c.unsupplied().contains("notes"));
    assertThat(updates).anyMatch(c -> c.unsupplied().isEmpty());

    List<ChangeRecord> read = readAll(noSup, writer(noSup).writeCdcFiles(updates, AT));

    for (int i = 0; i < updates.size(); i++) {
      boolean unsupplied = updates.get(i).unsupplied().contains("notes");
      assertThat(read.get(i).unsupplied().contains("notes")).isEqualTo(unsupplied);
      assertThat(read.get(i).columns().contains("notes")).isEqualTo(!unsupplied);
    }
  }

  @Test
  void withoutUseCsvNoSupValueTheLobValueIsWritten() {
    db.populate(20);
    List<SourceChange> updates =
        db.change(200, CUSTOMERS).stream().filter(c -> c.unsupplied().contains("notes")).toList();
    assertThat(updates).isNotEmpty();

    List<ChangeRecord> read = readAll(HEADER, writer(HEADER).writeCdcFiles(updates, AT));

    assertThat(read).allMatch(r -> r.unsupplied().isEmpty());
    assertThat(read).extracting(ChangeRecord::values).isEqualTo(rowsOf(updates));
  }

  @Test
  void aColumnAddedAtTheSourceShowsInTheHeaderOfTheNextFile() {
    db.populate(3);
    DmsS3Writer w = writer(HEADER);
    List<SourceChange> before = db.change(5, CUSTOMERS);
    List<DmsS3Writer.WrittenFile> first = w.writeCdcFiles(before, AT);
    db.addColumn(CUSTOMERS, "loyalty_tier", ColumnType.STRING);
    List<SourceChange> after = db.change(5, CUSTOMERS);
    List<DmsS3Writer.WrittenFile> second = w.writeCdcFiles(after, AT.plusSeconds(1));

    assertThat(readAll(HEADER, first)).allMatch(r -> !r.columns().contains("loyalty_tier"));
    List<ChangeRecord> read = readAll(HEADER, second);
    assertThat(read).allMatch(r -> r.columns().get(r.columns().size() - 1).equals("loyalty_tier"));
    assertThat(read).extracting(ChangeRecord::values).isEqualTo(rowsOf(after));
    assertThat(db.tables().get(CUSTOMERS).rows().values())
        .allMatch(r -> r.size() == db.tables().get(CUSTOMERS).columns().size());
    // A change of the old shape cannot go into a file of the new one (DMS starts a new file).
    assertThatThrownBy(() -> w.writeCdcFiles(before, AT.plusSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dbo.customers");
  }

  @Test
  void addColumnRefusesAColumnTheTableHasOrOneItCannotFill() {
    db.addColumn(CUSTOMERS, "loyalty_tier", ColumnType.STRING);
    assertThatThrownBy(() -> db.addColumn(CUSTOMERS, "loyalty_tier", ColumnType.STRING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already");
    assertThatThrownBy(() -> db.addColumn(ORDERS, "shoe_size", ColumnType.INTEGER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shoe_size");
  }

  @Test
  void deleteTableRemovesTheTableFolderWithSubfoldersAndNothingElse() {
    db.populate(5);
    DmsS3Writer w = writer(HEADER);
    List<List<Object>> rows = new ArrayList<>(db.tables().get(CUSTOMERS).rows().values());
    w.writePartitionedLoad(CUSTOMERS, Map.of("p1", rows), AT);
    w.writeFullLoad(ORDERS, new ArrayList<>(db.tables().get(ORDERS).rows().values()), AT);
    s3.objects.put("hq/dbo/customers_archive/LOAD00000001.csv", new byte[0]);
    w.writeCdcBatch(db.change(20, CUSTOMERS), AT.plusSeconds(1));

    List<String> deleted = w.deleteTable(CUSTOMERS);

    assertThat(deleted)
        .contains(
            "hq/dbo/customers/p1/LOAD00000001.csv", "hq/dbo/customers/20261124-090001000.csv");
    assertThat(s3.objects.keySet())
        .noneMatch(k -> k.startsWith("hq/dbo/customers/"))
        .contains("hq/dbo/customers_archive/LOAD00000001.csv", "hq/sales/orders/LOAD00000001.csv");
  }

  private List<ChangeRecord> readAll(DmsCsvSettings settings, List<DmsS3Writer.WrittenFile> files) {
    DmsCsvReader reader =
        DmsCsvReader.builder().settings(settings).tables(db.definitions()).build();
    List<ChangeRecord> out = new ArrayList<>();
    for (DmsS3Writer.WrittenFile f : files) {
      try (var file =
          reader.open(
              "s3://" + BUCKET + "/" + f.key(),
              DmsObjectKey.parse(f.key(), settings),
              new ByteArrayInputStream(s3.objects.get(f.key())))) {
        List<ChangeRecord> records = file.stream().toList();
        assertThat(records).hasSize(f.rows());
        out.addAll(records);
      }
    }
    return out;
  }

  private static List<List<Object>> rowsOf(List<SourceChange> changes) {
    return changes.stream().map(SourceChange::row).toList();
  }

  /** An S3 bucket in a map: put, list (by prefix, in key order) and delete. */
  private static final class MapS3 implements S3Client {
    final Map<String, byte[]> objects = new TreeMap<>();

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
      try (var in = body.contentStreamProvider().newStream()) {
        objects.put(request.key(), in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return PutObjectResponse.builder().build();
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
      List<S3Object> found = new ArrayList<>();
      objects.keySet().stream()
          .filter(k -> k.startsWith(request.prefix() == null ? "" : request.prefix()))
          .forEach(k -> found.add(S3Object.builder().key(k).build()));
      return ListObjectsV2Response.builder().contents(found).isTruncated(false).build();
    }

    @Override
    public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
      objects.remove(request.key());
      return DeleteObjectResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }
}
