package io.cdckinesis.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.s3.S3Location;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointKeysTest {

  private final CheckpointKeys keys = new CheckpointKeys(S3Location.of("state", "checkpoints"));

  @Test
  void keyIsPrefixHashReadableNameAndRevision() {
    String uri = "s3://dms-out/dbo/Customer/LOAD00000001.csv";
    String key = keys.key(uri, 1);
    assertThat(key)
        .matches("checkpoints/[A-Za-z0-9_-]{43}/LOAD00000001\\.csv\\.r9223372036854775806\\.json");
    assertThat(key).startsWith(keys.folder(uri));
    assertThat(keys.key(uri, 1)).isEqualTo(key); // deterministic
    assertThat(CheckpointKeys.revisionOf(key)).isEqualTo(1);
  }

  @Test
  void newerRevisionsSortFirst() {
    String uri = "s3://b/k.csv";
    List<String> ks = new ArrayList<>();
    for (long r : new long[] {1, 2, 9, 10, 11, 99, 100, 123_456_789_012L}) {
      ks.add(keys.key(uri, r));
    }
    List<String> sorted = new ArrayList<>(ks);
    sorted.sort(null); // S3 lists keys in ascending UTF-8 byte order; these are ASCII
    Collections.reverse(ks);
    assertThat(sorted).containsExactlyElementsOf(ks);
  }

  @Test
  void differentObjectsGetDifferentFoldersEvenWithTheSameName() {
    assertThat(keys.folder("s3://b/dbo/A/LOAD00000001.csv"))
        .isNotEqualTo(keys.folder("s3://b/dbo/B/LOAD00000001.csv"))
        .isNotEqualTo(keys.folder("s3://c/dbo/A/LOAD00000001.csv"));
  }

  @Test
  void anyKeyGivesASafeBoundedKey() {
    String longKey = "s3://b/" + "dir/".repeat(200) + "é 北京+%=?#*" + "x".repeat(300) + ".csv";
    String key = keys.key(longKey, 42);
    assertThat(key)
        .matches("checkpoints/[A-Za-z0-9_-]{43}/[A-Za-z0-9._-]{1,100}\\.r\\d{19}\\.json");
    assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThan(200);
    assertThat(keys.key("s3://b/dir/é 北京.csv", 1)).contains("/____.csv.r");
    assertThat(keys.key("s3://b/dir/", 1)).contains("/_.r");
    assertThat(CheckpointKeys.revisionOf(key)).isEqualTo(42);
  }

  @Test
  void otherKeysHaveNoRevision() {
    assertThat(CheckpointKeys.revisionOf("checkpoints/x/y.json")).isEqualTo(-1);
    assertThat(CheckpointKeys.revisionOf("checkpoints/x/y.rabcdefghijklmnopqrs.json"))
        .isEqualTo(-1);
    assertThat(CheckpointKeys.revisionOf("checkpoints/x/y.r9223372036854775807.json"))
        .isEqualTo(-1); // revision 0
  }

  @Test
  void anEmptyPrefixIsAllowed() {
    CheckpointKeys bare = new CheckpointKeys(S3Location.of("state", ""));
    assertThat(bare.key("s3://b/k", 1)).matches("[A-Za-z0-9_-]{43}/k\\.r\\d{19}\\.json");
  }
}
