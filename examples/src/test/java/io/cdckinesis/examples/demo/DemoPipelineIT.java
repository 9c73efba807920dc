package io.cdckinesis.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo pipeline end to end on the local servers: the replica must equal the source. */
class DemoPipelineIT {

  private static DemoReport run(DemoOptions options) throws InterruptedException {
    return DemoPipeline.run(options, false);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theReplicaEqualsTheSourceWithEveryChangeAppliedOnce(boolean aggregate) throws Exception {
    DemoReport r =
        run(new DemoOptions(300, 3, 900, 6, 2, aggregate, null, null, 7).withSituations(Set.of()));

    assertThat(r.differences()).isEmpty();
    assertThat(r.matches()).isTrue();
    assertThat(r.records()).isEqualTo(900 + 900);
    assertThat(r.applied()).as("effects in the replica's own log, each once").isEqualTo(900 + 900);
    assertThat(r.handedOver()).isGreaterThanOrEqualTo(r.applied());
    assertThat(r.deadLettered()).isZero();
    if (aggregate) {
      assertThat(r.kinesisRecords()).isLessThan(r.records() / 5);
    } else {
      assertThat(r.kinesisRecords()).isEqualTo(r.records());
    }
  }

  @Test
  void keepLeavesTheDmsFilesTableStatesAndNothingElseBehind(@TempDir Path dir) throws Exception {
    DemoReport r = run(new DemoOptions(50, 3, 60, 2, 1, false, dir, null, 3));

    assertThat(r.matches()).isTrue();
    assertThat(dir.resolve("replica.mv.db")).isRegularFile();
    assertThat(r.replica()).contains("replica.mv.db");
    Path s3 = dir.resolve("s3");
    assertThat(s3.resolve(DemoPipeline.DMS_BUCKET).resolve("hq/dbo/customers")).isDirectory();
    assertThat(s3.resolve(DemoPipeline.DMS_BUCKET).resolve("legacy/inventory/stock")).isDirectory();
    try (var files = Files.walk(s3.resolve(DemoPipeline.STATE_BUCKET))) {
      assertThat(files.filter(Files::isRegularFile).map(Path::toString))
          .isNotEmpty()
          .allMatch(f -> f.contains("_cdc/state/tables/"));
    }
  }

  @Test
  void everyDmsSituationTheReloadIncludedEndsWithTheReplicaEqualToTheSource() throws Exception {
    DemoReport r =
        run(
            new DemoOptions(200, 3, 900, 6, 2, false, null, null, 5)
                .withSituations(Situation.parse("all")));

    assertThat(r.differences()).isEmpty();
    assertThat(r.situations())
        .hasSize(6)
        .anyMatch(s -> s.startsWith("parallel load of sales.orders by ranges"))
        .anyMatch(s -> s.startsWith("parallel load of inventory.stock by partitions"))
        .anyMatch(s -> s.startsWith("ALTER TABLE dbo.customers ADD loyalty_tier"))
        .anyMatch(s -> s.startsWith("TRUNCATE TABLE inventory.stock"))
        .anyMatch(s -> s.startsWith("reload of sales.orders"))
        .anyMatch(s -> s.startsWith("LOB dbo.customers.notes not supplied"));
    assertThat(r.deadLettered()).isZero();
    assertThat(r.rejected()).isZero();
  }
}
