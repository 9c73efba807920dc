package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.local.LocalS3;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class S3DeadLetterSinkIT {

  private static LocalS3 s3;
  private static S3DeadLetterSink sink;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket("dead-letter-it");
    sink =
        S3DeadLetterSink.builder()
            .client(s3.client())
            .location(S3Location.of("dead-letter-it", "_cdc/dead-letter/"))
            .build();
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static DeadLetter letter(String sequence, SourcePosition position) {
    return new DeadLetter(
        "shardId-000000000001",
        sequence,
        2,
        position,
        "handler for dbo.T refused it (CdcException)",
        "io.cdckinesis.core.CdcException",
        1,
        "{\"data\":{}}".getBytes(StandardCharsets.UTF_8),
        Instant.parse("2026-11-24T08:00:00Z"));
  }

  @Test
  void storesALetterUnderItsDayShardAndSequenceAndReadsItBackWhole() {
    SourcePosition position =
        new SourcePosition(
            new SourceFile("s3://dms/dbo/T/20261124-080000000.csv", 3, 2, "etag-9"), 17, 18);
    DeadLetter letter = letter("4951", position);

    sink.accept(letter);
    sink.accept(letter); // a redelivered batch gives it up again: still one object

    assertThat(sink.keys("2026/11/24/"))
        .containsExactly("_cdc/dead-letter/2026/11/24/shardId-000000000001/4951-2.json");
    DeadLetter back = sink.read(sink.keyOf(letter));
    assertThat(back.position()).isEqualTo(position);
    assertThat(back.position().file().version()).isEqualTo("etag-9");
    assertThat(back.position().line()).isEqualTo(18);
    assertThat(back.data()).isEqualTo(letter.data());
    assertThat(back.reason()).isEqualTo(letter.reason());
    assertThat(back.at()).isEqualTo(letter.at());
    assertThat(back.subSequence()).isEqualTo(2);
  }

  @Test
  void aLetterThatCouldNotBeDecodedHasNoPosition() {
    DeadLetter letter = letter("4952", null);

    sink.accept(letter);

    assertThat(sink.read(sink.keyOf(letter)).position()).isNull();
  }

  @Test
  void failuresAreStoreExceptionsThatSayWhetherARetryCanHelp() {
    S3DeadLetterSink noBucket =
        S3DeadLetterSink.builder()
            .client(s3.client())
            .location(S3Location.of("no-such-bucket", "dl/"))
            .build();

    assertThatThrownBy(() -> noBucket.accept(letter("1", null)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://no-such-bucket/dl/")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    assertThatThrownBy(() -> sink.read("_cdc/dead-letter/missing.json"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> S3DeadLetterSink.builder().client(s3.client()).build())
        .isInstanceOf(ConfigurationException.class);
  }
}
