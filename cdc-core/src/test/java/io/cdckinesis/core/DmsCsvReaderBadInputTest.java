package io.cdckinesis.core;

import static io.cdckinesis.core.ReaderHarness.gzip;
import static io.cdckinesis.core.ReaderHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bad input: every error names the object, the line and the reason, never a row value. */
class DmsCsvReaderBadInputTest {

  private static final String KEY = "shop/customers/LOAD00000001.csv";
  private static final String URI = "s3://bucket/" + KEY;
  private static final TableDefinitions TABLES =
      TableDefinitions.of(
          TableDefinition.builder("shop", "customers")
              .columns("id", "name", "note")
              .primaryKey("id")
              .build());
  private static final DmsCsvSettings DEFAULTS = DmsCsvSettings.defaults();
  private static final DmsCsvSettings HEADER = DmsCsvSettings.builder().addColumnName(true).build();

  private static ReaderHarness skipping(DmsCsvSettings settings) {
    return new ReaderHarness(settings, TABLES, BadRowPolicy.SKIP);
  }

  private static ReaderHarness failing(DmsCsvSettings settings) {
    return new ReaderHarness(settings, TABLES, BadRowPolicy.FAIL);
  }

  @Test
  void wrongFieldCountFailsNamingObjectLineAndReason() {
    ReaderHarness h = failing(DEFAULTS);
    BadInputException e =
        catchThrowableOfType(
            () -> h.read(KEY, "1,Ann,x\n2,Secret Bob\n3,Cy,z\n"), BadInputException.class);

    assertThat(e.getMessage())
        .isEqualTo(URI + ":2: WRONG_FIELD_COUNT: expected 3 fields, found 2")
        .doesNotContain("Secret");
    assertThat(e.objectUri()).isEqualTo(URI);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.reason()).isEqualTo(BadInputReason.WRONG_FIELD_COUNT);
    assertThat(e.isRetryable()).isFalse();
    assertThat(h.records).hasSize(1);
  }

  @Test
  void failingKeepsProgressBeforeTheBadRow() {
    DmsCsvReader reader = DmsCsvReader.builder().tables(TABLES).build();
    DmsFileReader file =
        reader.open(
            URI,
            DmsObjectKey.parse(KEY, DEFAULTS),
            new ByteArrayInputStream(utf8("1,Ann,x\n2,Bob\n")));
    file.read();
    assertThatThrownBy(file::read).isInstanceOf(BadInputException.class);
    assertThat(file.progress().rowsDone()).isEqualTo(1);
    assertThat(file.progress().nextLine()).isEqualTo(2);
    assertThat(file.progress().nextByteOffset()).isEqualTo(8);
    assertThatThrownBy(file::read).isInstanceOf(BadInputException.class); // stays failed
  }

  @Test
  void skippingHandsBadRowsWithRawTextToTheRejectSinkAndGoesOn() {
    ReaderHarness h =
        skipping(DEFAULTS).read(KEY, "1,Ann,x\n2,\"Bob\nSmith\"\n3,Cy,z\nQ,a,b,c\n4,Di,w\n");

    assertThat(h.records).extracting(r -> r.value("id")).containsExactly("1", "3", "4");
    assertThat(h.records).extracting(r -> r.position().row()).containsExactly(1L, 3L, 5L);
    assertThat(h.records).extracting(r -> r.position().line()).containsExactly(1L, 4L, 6L);
    assertThat(h.rejects)
        .containsExactly(
            new RejectedRow(
                URI,
                2,
                2,
                BadInputReason.WRONG_FIELD_COUNT,
                "expected 3 fields, found 2",
                "2,\"Bob\nSmith\""),
            new RejectedRow(
                URI,
                4,
                5,
                BadInputReason.WRONG_FIELD_COUNT,
                "expected 3 fields, found 4",
                "Q,a,b,c"));
    assertThat(h.finalProgress.rowsDone()).isEqualTo(5);
  }

  @Test
  void unknownOperationIsRejectedWithItsRawText() {
    ReaderHarness h =
        skipping(DEFAULTS).read("shop/customers/20240101-000000000.csv", "I,1,a,b\nZ,2,c,d\n");
    assertThat(h.records).hasSize(1);
    assertThat(h.rejects.get(0).reason()).isEqualTo(BadInputReason.UNKNOWN_OPERATION);
    assertThat(h.rejects.get(0).line()).isEqualTo(2);
    assertThat(h.rejects.get(0).rawText()).isEqualTo("Z,2,c,d");
    assertThat(h.rejects.get(0).message()).isEqualTo("the Op field is not I, U or D in a CDC file");
  }

  @Test
  void unterminatedQuoteEndsTheFileAfterTheGoodRowsWhateverThePolicy() {
    for (BadRowPolicy policy : BadRowPolicy.values()) {
      ReaderHarness h = new ReaderHarness(DEFAULTS, TABLES, policy);
      BadInputException e =
          catchThrowableOfType(
              () -> h.read(KEY, "1,Ann,x\n2,Bob,y\n3,\"Cy,z\n4,Di,w\n"), BadInputException.class);

      assertThat(e.reason()).isEqualTo(BadInputReason.UNTERMINATED_QUOTE);
      assertThat(e.getMessage())
          .isEqualTo(
              URI
                  + ":3: UNTERMINATED_QUOTE: a quoted field is not closed before the end of the"
                  + " data");
      assertThat(h.records).extracting(r -> r.value("id")).containsExactly("1", "2");
      assertThat(h.rejects).isEmpty();
    }
  }

  @Test
  void strayQuoteInAQuotedFieldIsMalformedCsvWithoutTheValue() {
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(DEFAULTS).read(KEY, "1,\"Se\"cret\",x\n"), BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.MALFORMED_CSV);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.getMessage()).startsWith(URI + ":1: MALFORMED_CSV: ").doesNotContain("cret");
  }

  @Test
  void aRowThatNeverEndsIsStoppedInBoundedMemory() {
    StringBuilder text = new StringBuilder("1,Ann,x\n2,\"");
    text.append("a".repeat(io.cdckinesis.core.internal.CsvFileReader.MAX_ROW_CHARS + 200_000));
    ReaderHarness h = skipping(DEFAULTS);
    BadInputException e =
        catchThrowableOfType(() -> h.read(KEY, text.toString()), BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.MALFORMED_CSV);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.getMessage()).contains("longer than");
    assertThat(h.records).hasSize(1);
  }

  @Test
  void invalidUtf8RejectsTheRowNamingLineAndByteOffset() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(utf8("1,Ann,x\n2,\"B\n"));
    bytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xc3});
    bytes.writeBytes(utf8("ob\",y\n3,Zoë,z\n"));
    ReaderHarness h = skipping(DEFAULTS).read(KEY, bytes.toByteArray());

    assertThat(h.records).extracting(r -> r.value("name")).containsExactly("Ann", "Zoë");
    assertThat(h.records.get(1).position()).isEqualTo(new SourcePosition(URI, 3, 4));
    RejectedRow bad = h.rejects.get(0);
    assertThat(bad.reason()).isEqualTo(BadInputReason.INVALID_ENCODING);
    assertThat(bad.row()).isEqualTo(2);
    assertThat(bad.line()).isEqualTo(2);
    assertThat(bad.message())
        .isEqualTo("bytes that are not valid UTF-8 at byte offset 13 (line 3)");
    assertThat(bad.rawText()).isEmpty();

    BadInputException e =
        catchThrowableOfType(
            () -> failing(DEFAULTS).read(KEY, bytes.toByteArray()), BadInputException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            URI
                + ":2: INVALID_ENCODING: bytes that are not valid UTF-8 at byte offset 13"
                + " (line 3)");
  }

  @Test
  void truncatedUtf8AtTheEndIsInvalidEncoding() {
    byte[] euro = utf8("1,Ann,€");
    byte[] cut = Arrays.copyOf(euro, euro.length - 1);
    ReaderHarness h = skipping(DEFAULTS).read(KEY, cut);
    assertThat(h.records).isEmpty();
    assertThat(h.rejects)
        .extracting(RejectedRow::reason)
        .containsExactly(BadInputReason.INVALID_ENCODING);
  }

  @Test
  void truncatedGzipEndsTheFileNamingTheLineReachedAfterEveryCompleteRow() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 20_000; i++) {
      text.append(i).append(",name ").append(i).append(",note ").append(i).append('\n');
    }
    byte[] gz = gzip(utf8(text.toString()));
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);

    ReaderHarness h = skipping(DEFAULTS);
    BadInputException e =
        catchThrowableOfType(() -> h.read(KEY + ".gz", truncated), BadInputException.class);

    assertThat(e.reason()).isEqualTo(BadInputReason.CORRUPT_COMPRESSION);
    assertThat(e.getMessage()).startsWith(URI + ".gz:");
    // every row that was complete in what gzip could still inflate came out
    assertThat(h.records).hasSize(completeLinesBeforeDamage(truncated)).isNotEmpty();
    for (int i = 0; i < h.records.size(); i++) {
      ChangeRecord r = h.records.get(i);
      assertThat(r.values()).containsExactly("" + (i + 1), "name " + (i + 1), "note " + (i + 1));
    }
    long lastLine = h.records.get(h.records.size() - 1).position().line();
    assertThat(e.line()).isGreaterThanOrEqualTo(lastLine).isLessThanOrEqualTo(lastLine + 2);
  }

  private static int completeLinesBeforeDamage(byte[] gz) throws IOException {
    ByteArrayOutputStream inflated = new ByteArrayOutputStream();
    try (InputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz))) {
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) > 0; ) {
        inflated.write(buf, 0, n);
      }
    } catch (java.io.EOFException expected) {
      // truncated: what was inflated so far counts
    }
    return (int) inflated.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
  }

  @Test
  void corruptGzipIsCorruptCompression() {
    byte[] gz = gzip(utf8("1,Ann,x\n".repeat(1000)));
    for (int i = 20; i < 40; i++) {
      gz[i] ^= 0x5a;
    }
    BadInputException e =
        catchThrowableOfType(() -> skipping(DEFAULTS).read(KEY, gz), BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.CORRUPT_COMPRESSION);
    assertThat(e.objectUri()).isEqualTo(URI);
  }

  @Test
  void gzNameWithoutGzipDataIsCorruptCompression() {
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(DEFAULTS).read(KEY + ".gz", "1,Ann,x\n"), BadInputException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            URI
                + ".gz: CORRUPT_COMPRESSION: the name ends in .gz but the data does not start"
                + " with the gzip magic bytes");
  }

  @Test
  void emptyObjectIsRejectedAsAWhole() {
    BadInputException e =
        catchThrowableOfType(() -> skipping(DEFAULTS).read(KEY, ""), BadInputException.class);
    assertThat(e.getMessage()).isEqualTo(URI + ": EMPTY_OBJECT: the object is empty");
    assertThat(e.line()).isZero();
  }

  @Test
  void headerOnlyFileHasNoRecords() {
    ReaderHarness h = skipping(HEADER).read(KEY, "id,name,note\n");
    assertThat(h.records).isEmpty();
    assertThat(h.finalProgress)
        .isEqualTo(new ReadProgress(0, 2, 13, java.util.List.of("id", "name", "note")));
  }

  @Test
  void aHeaderWithoutTheConfiguredKeyIsInvalidHeader() {
    // The header wins over configured columns (ColumnChangesTest), but a key column cannot go.
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(HEADER).read(KEY, "name,note,email\nAnn,x,a@b\n"),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.INVALID_HEADER);
    assertThat(e.getMessage())
        .isEqualTo(
            URI
                + ":1: INVALID_HEADER: the header lacks primary key column id of shop.customers"
                + " (configured in the table definition): a key column cannot be dropped, so the"
                + " definition's primaryKey or the settings (AddColumnName, Op) are wrong");
  }

  @Test
  void aDataRowReadAsAHeaderIsNeverEchoed() {
    // AddColumnName is set but this file has no header: its first row is taken for one.
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(HEADER).read(KEY, "7,Zoë Secret,secret-note\n8,Bo,x\n"),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.INVALID_HEADER);
    assertThat(e.getMessage()).doesNotContain("Zoë", "Secret", "secret-note", "7");
  }

  @Test
  void headerWithAnEmptyFieldIsInvalidHeader() {
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(HEADER).read(KEY, "id,,note\n1,Ann,a@b\n"), BadInputException.class);
    assertThat(e.getMessage()).isEqualTo(URI + ":1: INVALID_HEADER: header field 2 is empty");
  }

  @Test
  void headerNamingAColumnTwiceIsInvalidHeader() {
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(HEADER).read(KEY, "id,name,name\n1,Ann,Bo\n"), BadInputException.class);
    assertThat(e.getMessage())
        .isEqualTo(URI + ":1: INVALID_HEADER: header field 3 repeats field 2");
  }

  @Test
  void headerWithoutTheTimestampColumnGivesRecordsWithoutTimestamp() {
    DmsCsvSettings settings = HEADER.toBuilder().timestampColumnName("changed_at").build();
    ReaderHarness h = skipping(settings).read(KEY, "id,name,note\n1,Ann,x\n");
    assertThat(h.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.commitTimestamp()).isNull();
              assertThat(r.columns()).containsExactly("id", "name", "note");
            });
  }

  @Test
  void emptyTimestampIsInvalidValue() {
    DmsCsvSettings settings = DEFAULTS.toBuilder().timestampColumnName("changed_at").build();
    ReaderHarness h = skipping(settings).read(KEY, ",1,Ann,x\n");
    assertThat(h.rejects)
        .extracting(RejectedRow::message)
        .containsExactly(
            "timestamp column changed_at is not a DMS timestamp (yyyy-MM-dd" + " HH:mm:ss.SSSSSS)");
  }

  @Test
  void positionedResumeNeedsTheHeaderAndAnUncompressedObject() {
    DmsCsvReader reader = DmsCsvReader.builder().settings(HEADER).tables(TABLES).build();
    ReadProgress noHeader = new ReadProgress(3, 5, 100, java.util.List.of());
    BadInputException e =
        catchThrowableOfType(
            () ->
                reader.resume(
                    URI,
                    DmsObjectKey.parse(KEY, HEADER),
                    new ByteArrayInputStream(utf8("4,Di,w\n")),
                    noHeader,
                    true),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.INVALID_HEADER);
    assertThatThrownBy(
            () ->
                reader.resume(
                    URI,
                    DmsObjectKey.parse(KEY + ".gz", HEADER),
                    new ByteArrayInputStream(utf8("4,Di,w\n")),
                    new ReadProgress(3, 5, 100, java.util.List.of("id", "name", "note")),
                    true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resume with positioned=false");
  }

  @Test
  void noHeaderAndNoColumnsIsUnknownTable() {
    BadInputException e =
        catchThrowableOfType(
            () -> skipping(DEFAULTS).read("shop/orders/LOAD00000001.csv", "1,2\n"),
            BadInputException.class);
    assertThat(e.reason()).isEqualTo(BadInputReason.UNKNOWN_TABLE);
    assertThat(e.getMessage())
        .isEqualTo(
            "s3://bucket/shop/orders/LOAD00000001.csv: UNKNOWN_TABLE: the file has no header and"
                + " no columns are configured for shop.orders");
  }

  @Test
  void invalidTypedValueNamesTheColumnNotTheValue() {
    TableDefinitions typed =
        TableDefinitions.of(
            TableDefinition.builder("shop", "customers")
                .column("id", ColumnType.INTEGER)
                .column("name", ColumnType.STRING)
                .column("note", ColumnType.DATE)
                .build());
    ReaderHarness h =
        new ReaderHarness(DEFAULTS, typed, BadRowPolicy.SKIP)
            .read(KEY, "x42secret,Ann,2024-01-01\n7,Bob,someday\n8,Cy,\n");
    assertThat(h.rejects)
        .extracting(RejectedRow::message)
        .containsExactly("column id is not a valid INTEGER", "column note is not a valid DATE");
    assertThat(h.records)
        .singleElement()
        .satisfies(r -> assertThat(r.values()).containsExactly(8L, "Cy", null));
  }

  @Test
  void utf8ByteOrderMarkIsTolerated() {
    ReaderHarness h = skipping(HEADER).read(KEY, "\uFEFFid,name,note\n1,Ann,x\n");
    assertThat(h.records.get(0).columns()).containsExactly("id", "name", "note");
    assertThat(h.finalProgress.nextByteOffset()).isEqualTo(3 + 13 + 8);
    assertThat(h.finalProgress.header()).containsExactly("id", "name", "note");
  }

  @Test
  void failingSourceStreamIsARetryableStoreErrorNotBadInput() {
    InputStream broken =
        new InputStream() {
          int served;

          @Override
          public int read() throws IOException {
            if (served < 8) {
              return "1,Ann,x\n".charAt(served++);
            }
            throw new IOException("connection reset");
          }
        };
    ReaderHarness h = skipping(DEFAULTS);
    StoreException e = catchThrowableOfType(() -> h.read(KEY, broken), StoreException.class);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains(URI).contains("connection reset");
    assertThat(h.records).hasSize(1);
  }

  @Test
  void emptyLineIsARowWithOneNullField() {
    ReaderHarness h = skipping(DEFAULTS).read(KEY, "1,Ann,x\n\n2,Bob,y\n");
    assertThat(h.records).hasSize(2);
    assertThat(h.rejects)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(BadInputReason.WRONG_FIELD_COUNT);
              assertThat(r.line()).isEqualTo(2);
            });
    assertThat(new String(utf8("x"), StandardCharsets.UTF_8)).isEqualTo("x");
  }
}
