package io.cdckinesis.kinesis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import org.junit.jupiter.api.Test;

class ClaimCheckTest {

  private static final String URI = "s3://dms/dbo/t/LOAD00000001.csv";

  private static ChangeRecord row(SourceFile file, long row) {
    return ChangeRecord.builder()
        .operation(Operation.LOAD)
        .table("dbo", "t")
        .value("id", 1)
        .primaryKey("id")
        .position(new SourcePosition(file, row, row))
        .build();
  }

  @Test
  void theSameRowSentAgainIsStoredUnderTheSameName() {
    SourceFile file = new SourceFile(URI, 7, 1, "\"etag-1\"");
    assertThat(ClaimCheck.payloadName(row(file, 5)))
        .isEqualTo(ClaimCheck.payloadName(row(file, 5)));
    assertThat(ClaimCheck.payloadName(row(file, 5))).startsWith("dbo/t/").endsWith("-5.json");
  }

  @Test
  void aFileWrittenAgainStoresItsRowsUnderOtherNames() {
    String before = ClaimCheck.payloadName(row(new SourceFile(URI, 7, 1, "\"etag-1\""), 5));

    assertThat(ClaimCheck.payloadName(row(new SourceFile(URI, 8, 1, "\"etag-1\""), 5)))
        .as("a reload in place: new generation")
        .isNotEqualTo(before);
    assertThat(ClaimCheck.payloadName(row(new SourceFile(URI, 7, 2, "\"etag-1\""), 5)))
        .as("another revision")
        .isNotEqualTo(before);
    assertThat(ClaimCheck.payloadName(row(new SourceFile(URI, 7, 1, "\"etag-2\""), 5)))
        .as("an overwritten object")
        .isNotEqualTo(before);
  }
}
