package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.TableId;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionEnvironmentTest {

  @Test
  void defaultsApplyWhenOnlyTheRequiredVariablesAreSet() {
    FunctionEnvironment env =
        FunctionEnvironment.from(Map.of("CDC_STREAM_NAME", "changes", "CDC_STATE_BUCKET", "state"));

    assertThat(env.streamName()).isEqualTo("changes");
    assertThat(env.stateBucket()).isEqualTo("state");
    assertThat(env.statePrefix()).isEqualTo("_cdc/state/");
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
                "CDC_STATE_PREFIX", "/state/cp",
                "CDC_MAX_RECORD_BYTES", "2097152"));

    assertThat(env.dmsSettings().addColumnName()).isTrue();
    assertThat(env.dmsSettings().csvRowDelimiter()).isEqualTo("\n");
    assertThat(env.tables().find(TableId.of("dbo", "Customer"))).isPresent();
    assertThat(env.aggregate()).isTrue();
    assertThat(env.statePrefix()).isEqualTo("state/cp/");
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
        .hasMessageContaining("CDC_DMS_SETTINGS are not valid JSON: Unexpected character")
        .hasMessageContaining("CDC_STATE_BUCKET is required")
        .hasMessageNotContaining("REDACTED")
        .hasMessageNotContaining("StreamReadFeature");
  }

  @Test
  void theProducerNeedsAStream() {
    FunctionEnvironment env = FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state"));

    assertThatThrownBy(env::requireProducer)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CDC_STREAM_NAME");
  }

  @Test
  void everyNameConstantIsDeclaredOnceWithItsDocumentation() throws IllegalAccessException {
    List<String> constants = new ArrayList<>();
    for (Field f : FunctionEnvironment.class.getFields()) {
      if (f.getType() == String.class && Modifier.isStatic(f.getModifiers())) {
        constants.add((String) f.get(null));
      }
    }

    assertThat(FunctionEnvironment.NAMES)
        .containsExactlyInAnyOrderElementsOf(constants)
        .doesNotHaveDuplicates()
        .allMatch(n -> n.startsWith("CDC_"));
    assertThat(FunctionEnvironment.variables())
        .allSatisfy(v -> assertThat(v.meaning()).as(v.name()).isNotBlank())
        .allSatisfy(v -> assertThat(v.defaultText()).as(v.name()).isNotBlank());
  }

  @Test
  void everyUnsetVariableTakesTheDefaultItsDocumentationShows() {
    FunctionEnvironment env = FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state"));

    for (FunctionEnvironment.Variable<?> v : FunctionEnvironment.variables()) {
      if (v.defaultIsLiteral() && !v.name().equals(FunctionEnvironment.DEFAULT_HANDLER)) {
        assertThat(env.get(v)).as(v.name()).isEqualTo(v.parse(v.defaultText()));
      }
    }
    assertThat(env.defaultHandler()).isNull(); // TableHandlers' default: LoggingTableHandler
  }

  @Test
  void aRequiredVariableOfOneFunctionIsCheckedOnlyForThatFunction() {
    FunctionEnvironment env = FunctionEnvironment.from(Map.of("CDC_STATE_BUCKET", "state"));

    assertThat(env.streamName()).isNull();
    assertThatThrownBy(env::requireProducer)
        .hasMessage("CDC_STREAM_NAME is required by the producer function");
  }

  /**
   * The README's configuration table is the declarations rendered: adding or changing a variable
   * without its documentation fails here, with the rows to paste.
   */
  @Test
  void theReadmeConfigurationTableMatchesTheDeclarations() throws IOException {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int heading = readme.indexOf("## Configuration reference (environment variables)");
    assertThat(heading).as("README section").isNotNegative();
    int header = heading;
    while (!readme.get(header).startsWith("| variable |")) {
      header++;
    }
    List<String> documented = new ArrayList<>();
    for (int i = header + 2; i < readme.size() && readme.get(i).startsWith("|"); i++) {
      documented.add(readme.get(i));
    }

    List<String> declared =
        FunctionEnvironment.variables().stream().map(FunctionEnvironmentTest::row).toList();

    assertThat(String.join("\n", documented))
        .as("README.md configuration table; expected rows:%n%s%n", String.join("\n", declared))
        .isEqualTo(String.join("\n", declared));
  }

  private static String row(FunctionEnvironment.Variable<?> v) {
    String dflt = v.defaultIsLiteral() ? "`" + v.defaultText() + "`" : v.defaultText();
    return "| `" + v.name() + "` | " + v.use() + " | " + dflt + " | " + v.meaning() + " |";
  }
}
