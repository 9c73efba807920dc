package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoCommandIT {

  @Test
  void printsTheSummaryAndExitsZeroWhenTheReplicaMatches() {
    CliRun run =
        CliRun.cdc("demo", "--rows", "40", "--tables", "2", "--changes", "80", "--shards", "1");

    String out = new String(run.out(), StandardCharsets.UTF_8);
    assertThat(run.exit()).isZero();
    assertThat(out)
        .contains("cdc demo: 2 tables, 80 rows, 80 changes, 1 shards, aggregation off")
        .contains("records on the stream     160")
        .contains("changes applied           160")
        .endsWith("replica matches source" + System.lineSeparator());
  }

  @Test
  void rejectsImpossibleOptionsWithAUsageError() {
    CliRun run = CliRun.cdc("demo", "--tables", "0");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("tables >= 1");
  }
}
