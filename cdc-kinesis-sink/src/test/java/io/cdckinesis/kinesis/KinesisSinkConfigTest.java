package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KinesisSinkConfigTest {

  @Test
  void defaultsAreTheClassicKinesisLimitsAndNoAggregation() {
    KinesisSinkConfig c = KinesisSinkConfig.defaults();
    assertThat(c.maxBatchRecords()).isEqualTo(500);
    assertThat(c.maxRequestBytes()).isEqualTo(5L * 1024 * 1024);
    assertThat(c.maxRecordBytes()).isEqualTo(1024 * 1024);
    assertThat(c.aggregation()).isFalse();
    assertThat(c.maxAttempts()).isEqualTo(10);
    assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.sdkRetries()).isFalse();
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void largerRecordsCanBeConfiguredForStreamsThatAllowThem() {
    KinesisSinkConfig c =
        KinesisSinkConfig.builder()
            .maxRecordBytes(10 * 1024 * 1024)
            .maxRequestBytes(10L * 1024 * 1024)
            .maxBufferedBytes(20L * 1024 * 1024)
            .build();
    assertThat(c.maxRecordBytes()).isEqualTo(10 * 1024 * 1024);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "maxBatchRecords",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxBatchRecords(501)),
        Arguments.of(
            "maxBatchRecords",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxBatchRecords(0)),
        Arguments.of(
            "maxRecordBytes",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxRecordBytes(100)),
        Arguments.of(
            "maxRequestBytes",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxRequestBytes(1000)),
        Arguments.of(
            "maxAttempts", (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxAttempts(0)),
        Arguments.of(
            "initialBackoff",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.initialBackoff(Duration.ZERO)),
        Arguments.of(
            "maxBackoff",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxBackoff(Duration.ofMillis(50))),
        Arguments.of(
            "backoffMultiplier",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.backoffMultiplier(0.5)),
        Arguments.of("jitter", (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.jitter(1.0)),
        Arguments.of(
            "maxBufferedRecords",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxBufferedRecords(0)),
        Arguments.of(
            "maxBufferedBytes",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.maxBufferedBytes(10)),
        Arguments.of(
            "shardMapMaxAge",
            (UnaryOperator<KinesisSinkConfig.Builder>) b -> b.shardMapMaxAge(Duration.ZERO)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsOutOfRangeSettingsAtBuild(
      String setting, UnaryOperator<KinesisSinkConfig.Builder> f) {
    assertThatThrownBy(() -> f.apply(KinesisSinkConfig.builder()).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(setting);
  }
}
