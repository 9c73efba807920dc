package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.core.BadInputReason;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.local.LocalS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3RejectSinkIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final S3Location LOCATION = S3Location.of("rejects-it", "rejects/");
  private static LocalS3 s3;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket(LOCATION.bucket());
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static S3RejectSink.Builder sink(String runId) {
    return S3RejectSink.builder().client(s3.client()).location(LOCATION).runId(runId);
  }

  private static RejectedRow row(String uri, long n) {
    return new RejectedRow(
        uri,
        n,
        n + 1,
        BadInputReason.WRONG_FIELD_COUNT,
        "expected 3 fields, found 4",
        "I," + n + ",\"multi\nline\",é北京");
  }

  private static List<String> keysUnder(String prefix) {
    return s3
        .client()
        .listObjectsV2Paginator(b -> b.bucket(LOCATION.bucket()).prefix(prefix))
        .contents()
        .stream()
        .map(S3Object::key)
        .toList();
  }

  private static List<JsonNode> lines(String key) {
    String body =
        s3.client()
            .getObjectAsBytes(b -> b.bucket(LOCATION.bucket()).key(key))
            .asString(StandardCharsets.UTF_8);
    assertThat(body).endsWith("\n");
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      try {
        out.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static List<Long> rowsUnder(String prefix) {
    List<Long> rows = new ArrayList<>();
    for (String key : keysUnder(prefix)) {
      lines(key).forEach(l -> rows.add(l.get("row").asLong()));
    }
    return rows;
  }

  @Test
  void rejectsOfEachObjectGoToOneJsonLinesObjectOnFlush() {
    String a = "s3://dms-one/dbo/Customer/LOAD00000001.csv";
    String b = "s3://dms-one/dbo/My Table/20260102-030405123.csv.gz";
    S3RejectSink sink = sink("run-a").build();
    sink.reject(row(a, 1));
    sink.reject(row(b, 5));
    sink.reject(row(a, 9));
    assertThat(keysUnder("rejects/dms-one/")).isEmpty();
    assertThat(sink.bufferedBytes()).isPositive();

    sink.flush();
    assertThat(sink.bufferedBytes()).isZero();
    assertThat(keysUnder("rejects/dms-one/"))
        .containsExactlyInAnyOrder(
            "rejects/dms-one/dbo/Customer/LOAD00000001.csv.run-a.00001.rejects.jsonl",
            "rejects/dms-one/dbo/My Table/20260102-030405123.csv.gz.run-a.00001.rejects.jsonl");

    List<JsonNode> ofA =
        lines("rejects/dms-one/dbo/Customer/LOAD00000001.csv.run-a.00001.rejects.jsonl");
    assertThat(ofA).extracting(l -> l.get("row").asLong()).containsExactly(1L, 9L);
    JsonNode first = ofA.get(0);
    assertThat(first.get("objectUri").asText()).isEqualTo(a);
    assertThat(first.get("line").asLong()).isEqualTo(2);
    assertThat(first.get("reason").asText()).isEqualTo("WRONG_FIELD_COUNT");
    assertThat(first.get("message").asText()).isEqualTo("expected 3 fields, found 4");
    assertThat(first.get("rawText").asText()).isEqualTo("I,1,\"multi\nline\",é北京");

    sink.flush(); // nothing new: nothing written
    assertThat(keysUnder("rejects/dms-one/")).hasSize(2);
  }

  @Test
  void aFileFullOfBadRowsIsWrittenInPartsWithinTheMemoryBound() {
    String uri = "s3://dms-out/dbo/Bad/LOAD00000001.csv";
    S3RejectSink sink = sink("bounded").maxBufferedBytes(4096).build();
    long lineBytes = io.cdckinesis.s3.internal.RejectLines.encode(row(uri, 1000)).length;
    for (long n = 1; n <= 500; n++) {
      sink.reject(row(uri, n));
      assertThat(sink.bufferedBytes()).isLessThan(4096);
    }
    sink.flush();

    List<String> parts = keysUnder(sink.keyPrefix(uri));
    assertThat(parts).hasSizeGreaterThan(10);
    for (String part : parts) {
      long size =
          s3.client().headObject(b -> b.bucket(LOCATION.bucket()).key(part)).contentLength();
      assertThat(size).as(part).isLessThan(4096 + lineBytes);
    }
    assertThat(parts.get(0)).endsWith(".bounded.00001.rejects.jsonl");
    assertThat(rowsUnder(sink.keyPrefix(uri)))
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 500).boxed().toList());
  }

  @Test
  void aRerunAfterACrashLosesNothingAndOverwritesNothing() {
    String uri = "s3://dms-out/dbo/Crash/LOAD00000001.csv";
    // Run 1 rejects rows 1-3 and flushes before its checkpoint after row 3, then rejects 4 and 5
    // and dies before the next flush.
    S3RejectSink first = sink("run-1").build();
    first.reject(row(uri, 1));
    first.reject(row(uri, 2));
    first.reject(row(uri, 3));
    first.flush();
    first.reject(row(uri, 4));
    first.reject(row(uri, 5));

    // Run 2 resumes after row 3 and rejects 4 and 5 again.
    S3RejectSink second = sink("run-2").build();
    second.reject(row(uri, 4));
    second.reject(row(uri, 5));
    second.flush();

    // Run 3 reuses a run id: its part goes beside run 1's, not over it.
    S3RejectSink reused = sink("run-1").build();
    reused.reject(row(uri, 6));
    reused.flush();

    String prefix = second.keyPrefix(uri);
    assertThat(keysUnder(prefix))
        .containsExactly(
            prefix + "run-1.00001.rejects.jsonl",
            prefix + "run-1.00002.rejects.jsonl",
            prefix + "run-2.00001.rejects.jsonl");
    assertThat(rowsUnder(prefix)).containsExactlyInAnyOrder(1L, 2L, 3L, 6L, 4L, 5L);
  }

  @Test
  void aFailedWriteKeepsTheRowsForTheNextFlush() {
    String uri = "s3://dms-out/dbo/Later/LOAD00000001.csv";
    S3RejectSink sink =
        S3RejectSink.builder()
            .client(s3.client())
            .location(S3Location.of("rejects-late", "r"))
            .runId("late")
            .build();
    sink.reject(row(uri, 1));
    assertThatThrownBy(sink::flush)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://rejects-late/r/dms-out/dbo/Later/LOAD00000001.csv.late.00001")
        .hasMessageContaining("NoSuchBucket")
        .hasMessageNotContaining("multi")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    assertThat(sink.bufferedBytes()).isPositive();

    s3.createBucket("rejects-late");
    sink.flush();
    assertThat(sink.bufferedBytes()).isZero();
    assertThat(
            s3.client()
                .getObjectAsBytes(
                    b ->
                        b.bucket("rejects-late")
                            .key("r/dms-out/dbo/Later/LOAD00000001.csv.late.00001.rejects.jsonl"))
                .asUtf8String())
        .contains("\"row\":1,");
  }

  @Test
  void refusesRunIdsThatWouldBreakKeys() {
    assertThatThrownBy(() -> sink("a/b").build()).isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> sink("").build()).isInstanceOf(ConfigurationException.class);
    assertThat(S3RejectSink.builder().client(s3.client()).location(LOCATION).build().runId())
        .matches("[0-9a-f-]{36}");
  }
}
