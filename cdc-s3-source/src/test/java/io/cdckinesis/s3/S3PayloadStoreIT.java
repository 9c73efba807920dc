package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.s3.testing.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class S3PayloadStoreIT {

  private static LocalS3 s3;
  private static S3PayloadStore store;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket("payload-it");
    s3.createBucket("elsewhere");
    store =
        S3PayloadStore.builder()
            .client(s3.client())
            .location(S3Location.parse("s3://payload-it/oversize"))
            .build();
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void putReturnsTheUriAndGetReturnsTheBytes() {
    byte[] payload = Bytes.random(3 << 20, 11);
    String uri = store.put("dbo/Customer/LOAD00000001.csv/17.json", payload);
    assertThat(uri).isEqualTo("s3://payload-it/oversize/dbo/Customer/LOAD00000001.csv/17.json");
    assertThat(store.get(uri)).isEqualTo(payload);
    // Another instance (a consumer) reads it too.
    S3PayloadStore consumer =
        S3PayloadStore.builder()
            .client(s3.client())
            .location(S3Location.of("payload-it", "oversize/"))
            .build();
    assertThat(consumer.get(uri)).isEqualTo(payload);
    assertThat(
            s3.client()
                .headObject(
                    b ->
                        b.bucket("payload-it")
                            .key("oversize/dbo/Customer/LOAD00000001.csv/17.json"))
                .contentType())
        .isEqualTo("application/json");
  }

  @Test
  void aRepeatedPutReplacesTheSameObject() {
    String first = store.put("same-name", new byte[] {1});
    String second = store.put("same-name", new byte[] {2});
    assertThat(second).isEqualTo(first);
    assertThat(store.get(first)).containsExactly(2);
  }

  @Test
  void namesWithUnusualCharactersRoundTrip() {
    byte[] payload = "{\"data\":{}}".getBytes();
    String uri = store.put("dbo/My Table/北京 +%=.csv/1.json", payload);
    assertThat(uri).isEqualTo("s3://payload-it/oversize/dbo/My Table/北京 +%=.csv/1.json");
    assertThat(store.get(uri)).isEqualTo(payload);
  }

  @Test
  void refusesUrisOutsideItsBucketAndPrefix() {
    s3.client()
        .putObject(b -> b.bucket("elsewhere").key("oversize/secret"), RequestBody.fromString("x"));
    s3.client()
        .putObject(b -> b.bucket("payload-it").key("other/secret"), RequestBody.fromString("x"));
    for (String foreign :
        new String[] {
          "s3://elsewhere/oversize/secret",
          "s3://payload-it/other/secret",
          "s3://payload-it/oversize-not/secret",
          "https://payload-it.s3.amazonaws.com/oversize/x",
          "s3://payload-it"
        }) {
      assertThatThrownBy(() -> store.get(foreign))
          .as(foreign)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(foreign)
          .hasMessageContaining("s3://payload-it/oversize/")
          .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    }
  }

  @Test
  void aMissingPayloadIsAPermanentErrorNamingIt() {
    assertThatThrownBy(() -> store.get("s3://payload-it/oversize/never-written"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://payload-it/oversize/never-written")
        .hasMessageContaining("does not exist")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
  }

  @Test
  void aMissingBucketIsAPermanentErrorNamingIt() {
    S3PayloadStore broken =
        S3PayloadStore.builder()
            .client(s3.client())
            .location(S3Location.of("no-such-bucket", "p"))
            .build();
    assertThatThrownBy(() -> broken.put("x", new byte[1]))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://no-such-bucket/p/x")
        .hasMessageContaining("NoSuchBucket")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
  }

  @Test
  void refusesBadNames() {
    assertThatThrownBy(() -> store.put("", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put("/abs", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put("a\nb", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put("x".repeat(1100), new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
