package io.cdckinesis.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.core.BadInputReason;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.s3.S3Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RejectKeysAndLinesTest {

  private final RejectKeys keys = new RejectKeys(S3Location.of("state", "rejects"));

  @Test
  void mirrorsTheSourceBucketAndKey() {
    assertThat(keys.key("s3://dms-out/dbo/Customer/LOAD00000001.csv", "run-1", 1))
        .isEqualTo("rejects/dms-out/dbo/Customer/LOAD00000001.csv.run-1.00001.rejects.jsonl");
    assertThat(keys.key("s3://dms-out/dbo/My Table/20260102-030405123.csv.gz", "r", 12))
        .isEqualTo("rejects/dms-out/dbo/My Table/20260102-030405123.csv.gz.r.00012.rejects.jsonl");
    assertThat(keys.keyPrefix("s3://dms-out/dbo/T/x.csv"))
        .isEqualTo("rejects/dms-out/dbo/T/x.csv.");
  }

  @Test
  void localFilesGoUnderLocal() {
    assertThat(keys.key("/data/dms/dbo/T/LOAD00000001.csv", "r", 1))
        .isEqualTo("rejects/_local/data/dms/dbo/T/LOAD00000001.csv.r.00001.rejects.jsonl");
  }

  @Test
  void tooLongKeysFallBackToAHashedFolder() {
    String uri = "s3://dms-out/" + "deep/".repeat(190) + "LOAD00000001.csv";
    String key = keys.key(uri, "0123456789abcdef0123456789abcdef01234567", 99_999);
    assertThat(key)
        .matches(
            "rejects/dms-out/_long/[A-Za-z0-9_-]{43}/LOAD00000001\\.csv\\.[0-9a-f]{40}\\.99999\\.rejects\\.jsonl");
    assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
    assertThat(keys.keyPrefix(uri)).isEqualTo(key.substring(0, key.indexOf("0123456789abcdef")));
  }

  @Test
  void aLineIsOneJsonObjectWithEveryField() throws IOException {
    RejectedRow row =
        new RejectedRow(
            "s3://dms-out/dbo/T/LOAD00000001.csv",
            17,
            18,
            BadInputReason.WRONG_FIELD_COUNT,
            "expected 3 fields, found 4",
            "I,7,\"Ann\nSmith\",é北京\t");
    byte[] line = RejectLines.encode(row);
    assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);

    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("objectUri").asText()).isEqualTo(row.objectUri());
    assertThat(json.get("row").asLong()).isEqualTo(17);
    assertThat(json.get("line").asLong()).isEqualTo(18);
    assertThat(json.get("reason").asText()).isEqualTo("WRONG_FIELD_COUNT");
    assertThat(json.get("message").asText()).isEqualTo(row.message());
    assertThat(json.get("rawText").asText()).isEqualTo(row.rawText());
    assertThat(json.size()).isEqualTo(6);
  }
}
