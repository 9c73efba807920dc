package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3LocationTest {

  @Test
  void normalisesThePrefix() {
    assertThat(S3Location.of("state", "checkpoints").prefix()).isEqualTo("checkpoints/");
    assertThat(S3Location.of("state", "/a/b/").prefix()).isEqualTo("a/b/");
    assertThat(S3Location.of("state", null).prefix()).isEmpty();
    assertThat(S3Location.of("state", "").key("x")).isEqualTo("x");
    assertThat(S3Location.of("state", "p").key("x/y")).isEqualTo("p/x/y");
  }

  @Test
  void parsesAndPrintsS3Uris() {
    assertThat(S3Location.parse("s3://state/rejects"))
        .isEqualTo(S3Location.of("state", "rejects/"));
    assertThat(S3Location.parse("s3://state")).isEqualTo(S3Location.of("state", ""));
    assertThat(S3Location.parse("s3://state/")).isEqualTo(S3Location.of("state", ""));
    assertThat(S3Location.of("state", "a/b").uri()).isEqualTo("s3://state/a/b/");
    assertThat(S3Location.of("state", "a")).hasToString("s3://state/a/");
  }

  @Test
  void containsOnlyItsBucketAndPrefix() {
    S3Location loc = S3Location.of("state", "payloads");
    assertThat(loc.contains(S3ObjectRef.of("state", "payloads/x"))).isTrue();
    assertThat(loc.contains(S3ObjectRef.of("state", "payloadsx"))).isFalse();
    assertThat(loc.contains(S3ObjectRef.of("other", "payloads/x"))).isFalse();
    assertThat(S3Location.of("state", "").contains(S3ObjectRef.of("state", "any"))).isTrue();
  }

  @Test
  void refusesInvalidLocations() {
    assertThatThrownBy(() -> S3Location.of("ab", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3Location.of("a/b", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3Location.parse("state/prefix"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3Location.of("state", "p".repeat(600)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
