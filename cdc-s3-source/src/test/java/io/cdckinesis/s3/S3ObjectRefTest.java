package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3ObjectRefTest {

  @Test
  void uriIsS3SchemeBucketAndRawKey() {
    S3ObjectRef ref = S3ObjectRef.of("dms-out", "dbo/My Table/LOAD00000001.csv");
    assertThat(ref.uri()).isEqualTo("s3://dms-out/dbo/My Table/LOAD00000001.csv");
    assertThat(S3ObjectRef.parse(ref.uri())).isEqualTo(ref);
  }

  @Test
  void parsesKeysWithSlashesAndOddCharacters() {
    S3ObjectRef ref = S3ObjectRef.parse("s3://b-1/a//b/北京 %2B+.csv");
    assertThat(ref.bucket()).isEqualTo("b-1");
    assertThat(ref.key()).isEqualTo("a//b/北京 %2B+.csv");
    assertThat(ref.versionId()).isNull();
  }

  @Test
  void versionIsKeptButNotPartOfTheUri() {
    S3ObjectRef ref = S3ObjectRef.of("b", "k").withVersionId("v1");
    assertThat(ref.versionId()).isEqualTo("v1");
    assertThat(ref.uri()).isEqualTo("s3://b/k");
    assertThat(ref).hasToString("s3://b/k (version v1)");
    assertThat(new S3ObjectRef("b", "k", "").versionId()).isNull();
  }

  @Test
  void rejectsWhatIsNotAnObject() {
    assertThatThrownBy(() -> S3ObjectRef.parse("https://b/k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://b/k");
    assertThatThrownBy(() -> S3ObjectRef.parse("s3://bucket"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectRef.parse("s3://bucket/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectRef.of("", "k")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectRef.of("b", "")).isInstanceOf(IllegalArgumentException.class);
  }
}
