package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.TableId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionEnvironmentTest {

  @Test
  void defaultsApplyWhenOnlyTheRequiredVariablesAreSet() {
    FunctionEnvironment env =
        FunctionEnvironment.from(Map.of("CDC_STREAM_NAME", "changes", "CDC_STATE_BUCKET", "state"));

    assertThat(env.streamName()).isEqualTo("changes");
    assertThat(env.stateBucket()).isEqualTo("state");
    assertThat(env.checkpointPrefix()).isEqualTo("_cdc/checkpoints/");
    assertThat(env.rejectsPrefix()).isEqualTo("_cdc/rejects/");
    assertThat(env.oversizePrefix()).isEqualTo("_cdc/oversize/");
    assertThat(env.deadLetterPrefix()).isEqualTo("_cdc/dead-letter/");
    assertThat(env.aggregate()).isFalse();
    assertThat(env.timeReserve()).isEqualTo(Duration.ofSeconds(60));
    assertThat(env.maxBatchRecords()).isEqualTo(500);
    assertThat(env.maxRequestBytes()).isEqualTo(5L << 20);
    assertThat(env.maxRecordBytes()).isEqualTo(1L << 20);
    assertThat(env.dmsSettings().addColumnName()).isFalse();
    assertThat(env.tables().isEmpty()).isTrue();
  }

  @Test
  void readsSettingsTablesAndLimits() {
    FunctionEnvironment env =
        FunctionEnvironment.from(
            Map.of(
                "CDC_STREAM_NAME", "changes",
                "CDC_STATE_BUCKET", "state",
                "CDC_DMS_SETTINGS",
                    "{\"AddColumnName\": true, \"CompressionType\": \"GZIP\","
                        + " \"CsvRowDelimiter\": \"\\\\n\"}",
                "CDC_TABLES", "{\"dbo.Customer\": {\"primaryKey\": [\"id\"]}}",
                "CDC_AGGREGATE", "true",
                "CDC_CHECKPOINT_PREFIX", "/state/cp",
                "CDC_MAX_RECORD_BYTES", "2097152"));

    assertThat(env.dmsSettings().addColumnName()).isTrue();
    assertThat(env.dmsSettings().csvRowDelimiter()).isEqualTo("\n");
    assertThat(env.tables().find(TableId.of("dbo", "Customer"))).isPresent();
    assertThat(env.aggregate()).isTrue();
    assertThat(env.checkpointPrefix()).isEqualTo("state/cp/");
    assertThat(env.maxRecordBytes()).isEqualTo(2L << 20);
  }

  @Test
  void reportsEveryProblemAtOnceNamingTheVariables() {
    assertThatThrownBy(
            () ->
                FunctionEnvironment.from(
                    Map.of(
                        "CDC_AGGREGATE", "yes",
                        "CDC_MAX_BATCH_RECORDS", "501",
                        "CDC_TIME_RESERVE_MS", "soon",
                        "CDC_DMS_SETTINGS", "{not json")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CDC_AGGREGATE must be true or false")
        .hasMessageContaining("CDC_MAX_BATCH_RECORDS must be between 1 and 500")
        .hasMessageContaining("CDC_TIME_RESERVE_MS must be a whole number")
        .hasMessageContaining("CDC_DMS_SETTINGS")
        .hasMessageContaining("CDC_STATE_BUCKET is required");
  }

  @Test
  void theProducerNeedsAStream() {
    FunctionEnvironment env = FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state"));

    assertThatThrownBy(env::requireProducer)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CDC_STREAM_NAME");
  }

  @Test
  void everyVariableIsListed() {
    assertThat(FunctionEnvironment.NAMES).hasSize(21).allMatch(n -> n.startsWith("CDC_"));
  }

  @Test
  void theConsumerRetriesAFewTimesPerInvocationAndKeepsPositionsInMemoryUnlessATableIsNamed() {
    FunctionEnvironment defaults = FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state"));
    FunctionEnvironment durable =
        FunctionEnvironment.from(
            Map.of(
                "CDC_STATE_BUCKET", "state",
                "CDC_POSITIONS_TABLE", "cdc-positions",
                "CDC_HANDLER_ATTEMPTS_PER_INVOCATION", "5"));

    assertThat(defaults.handlerAttemptsPerInvocation()).isEqualTo(3);
    assertThat(defaults.positionsTable()).isNull();
    assertThat(CdcFunctions.positionStore(defaults, () -> null))
        .isInstanceOf(io.cdckinesis.pipeline.consumer.InMemoryAppliedPositionStore.class);
    assertThat(durable.handlerAttemptsPerInvocation()).isEqualTo(5);
    assertThat(durable.positionsTable()).isEqualTo("cdc-positions");
    assertThatThrownBy(
            () ->
                FunctionEnvironment.from(
                    Map.of(
                        "CDC_STATE_BUCKET", "state", "CDC_HANDLER_ATTEMPTS_PER_INVOCATION", "0")))
        .hasMessageContaining("CDC_HANDLER_ATTEMPTS_PER_INVOCATION must be between 1 and 100");
  }
}
