package io.cdckinesis.core;

import static io.cdckinesis.core.ReaderHarness.gzip;
import static io.cdckinesis.core.ReaderHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resuming after every row, from a ranged read at the progress's byte offset (positioned) and from
 * the whole object (skipping rows), gives exactly the records of a straight read: same values, same
 * row and line numbers. The inputs mix multi-byte UTF-8 (2, 3 and 4 bytes), quoted fields spanning
 * lines, \r\n row ends and a BOM.
 */
class DmsCsvReaderResumeTest {

  private static final TableDefinitions TABLES =
      TableDefinitions.of(
          TableDefinition.builder("shop", "customers")
              .columns("id", "name", "note")
              .primaryKey("id")
              .build(),
          TableDefinition.builder("shop", "orders").columns("id", "total").build());

  private static final String MIXED =
      "1,Zoë,\"two\r\nlines: 北京\"\r\n"
          + "2,\"Ñandú, \"\"el\"\" 🦤\",plain\r\n"
          + "3,,\"\"\r\n"
          + "4,\"€\n\n\",😀😀\r\n"
          + "5,last,row";

  static Stream<Arguments> files() {
    DmsCsvSettings crlf = DmsCsvSettings.builder().csvRowDelimiter("\r\n").build();
    DmsCsvSettings crlfHeader = crlf.toBuilder().addColumnName(true).build();
    DmsCsvSettings txn = DmsCsvSettings.builder().preserveTransactions(true).cdcPath("tx").build();
    return Stream.of(
        Arguments.of("no header, \\r\\n", crlf, "shop/customers/LOAD00000001.csv", utf8(MIXED)),
        Arguments.of(
            "header with BOM, \\r\\n",
            crlfHeader,
            "shop/customers/20240101-000000000.csv",
            utf8("\uFEFFOp,id,name,note\r\n" + MIXED.replaceAll("(?m)^(\\d,)", "U,$1"))),
        Arguments.of(
            "CDC_TXN, \\n",
            txn,
            "tx/CDC_TXN-20240101000000000.csv",
            utf8(
                "I,customers,shop,1,\"a\nb\",ü\nU,orders,shop,9,€5\n"
                    + "D,customers,shop,1,\"a\nb\",ü\n")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void resumingAfterAnyRowGivesTheSameRecords(
      String name, DmsCsvSettings settings, String key, byte[] bytes) {
    DmsCsvReader reader = DmsCsvReader.builder().settings(settings).tables(TABLES).build();
    DmsObjectKey k = DmsObjectKey.parse(key, settings);
    String uri = "s3://b/" + key;

    List<ChangeRecord> straight = new ArrayList<>();
    List<ReadProgress> after = new ArrayList<>();
    try (DmsFileReader file = reader.open(uri, k, new ByteArrayInputStream(bytes))) {
      after.add(file.progress()); // after the header, before any row
      for (ChangeRecord r; (r = file.read()) != null; ) {
        straight.add(r);
        after.add(file.progress());
      }
    }
    assertThat(straight).hasSizeGreaterThanOrEqualTo(3);
    assertThat(after.get(after.size() - 1).nextByteOffset()).isEqualTo(bytes.length);

    for (int done = 0; done < after.size(); done++) {
      ReadProgress from = after.get(done);
      assertThat(from.rowsDone()).isEqualTo(done);
      byte[] rest = Arrays.copyOfRange(bytes, (int) from.nextByteOffset(), bytes.length);
      List<ChangeRecord> expected = straight.subList(done, straight.size());

      assertThat(readAll(reader.resume(uri, k, new ByteArrayInputStream(rest), from, true)))
          .as("positioned after %d rows", done)
          .isEqualTo(expected);
      assertThat(readAll(reader.resume(uri, k, new ByteArrayInputStream(bytes), from, false)))
          .as("skipping %d rows", done)
          .isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void gzipObjectsResumeBySkippingRows(
      String name, DmsCsvSettings settings, String key, byte[] bytes) {
    DmsCsvReader reader = DmsCsvReader.builder().settings(settings).tables(TABLES).build();
    DmsObjectKey k = DmsObjectKey.parse(key + ".gz", settings);
    byte[] gz = gzip(bytes);
    List<ChangeRecord> straight = readAll(reader.open("u", k, new ByteArrayInputStream(gz)));
    ReadProgress afterTwo;
    try (DmsFileReader file = reader.open("u", k, new ByteArrayInputStream(gz))) {
      file.read();
      file.read();
      afterTwo = file.progress();
    }
    assertThat(readAll(reader.resume("u", k, new ByteArrayInputStream(gz), afterTwo, false)))
        .isEqualTo(straight.subList(2, straight.size()));
  }

  private static List<ChangeRecord> readAll(DmsFileReader file) {
    try (file) {
      List<ChangeRecord> out = new ArrayList<>();
      for (ChangeRecord r; (r = file.read()) != null; ) {
        out.add(r);
      }
      return out;
    }
  }
}
