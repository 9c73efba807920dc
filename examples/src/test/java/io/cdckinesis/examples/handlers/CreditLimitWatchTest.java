package io.cdckinesis.examples.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.testing.Fixtures;
import io.cdckinesis.kinesis.PartitionKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example custom handler, on the real classicmodels customers output of DMS. */
class CreditLimitWatchTest {

  private static ChangeInput input(ChangeRecord r) {
    return ChangeInput.builder().record(r).rowKey(PartitionKeys.of(r)).build();
  }

  private static void feed(CreditLimitWatch watch, String file) throws Exception {
    Path path = Fixtures.dmsReal("mysql-classicmodels/classicmodels/customers/" + file);
    DmsCsvReader reader =
        DmsCsvReader.builder()
            .tables(TableDefinitions.fromJson(Fixtures.dmsReal("tables.json")))
            .build();
    try (InputStream in = Files.newInputStream(path);
        DmsFileReader r =
            reader.open(
                path.toString(),
                DmsObjectKey.parsePath(path.toString(), DmsCsvSettings.defaults()),
                in)) {
      for (ChangeRecord c; (c = r.read()) != null; ) {
        watch.handle(input(c));
      }
    }
  }

  @Test
  void flagsTheCustomerDeletedAndRecreatedInTheRealChangeFile() throws Exception {
    CreditLimitWatch watch = new CreditLimitWatch();

    feed(watch, "LOAD00000001.csv");
    feed(watch, "20240809-192717787.csv");

    assertThat(watch.alerts())
        .containsExactly(new CreditLimitWatch.Alert("497", "deleted and re-created"));
  }

  @Test
  void flagsACreditLimitRaisedByMoreThanHalf() {
    CreditLimitWatch watch = new CreditLimitWatch();
    ChangeRecord.Builder base =
        ChangeRecord.builder()
            .table("classicmodels", "customers")
            .primaryKey("customerNumber")
            .position("s3://b/classicmodels/customers/20240101-000000000.csv", 1, 1);

    watch.handle(
        input(
            base.operation(Operation.LOAD)
                .value("customerNumber", "1")
                .value("creditLimit", "1000.00")
                .build()));
    watch.handle(
        input(
            ChangeRecord.builder()
                .table("classicmodels", "customers")
                .primaryKey("customerNumber")
                .position("s3://b/classicmodels/customers/20240101-000000000.csv", 2, 2)
                .operation(Operation.UPDATE)
                .value("customerNumber", "1")
                .value("creditLimit", "1400.00")
                .build()));
    watch.handle(
        input(
            ChangeRecord.builder()
                .table("classicmodels", "customers")
                .primaryKey("customerNumber")
                .position("s3://b/classicmodels/customers/20240101-000000000.csv", 3, 3)
                .operation(Operation.UPDATE)
                .value("customerNumber", "1")
                .value("creditLimit", "2500.00")
                .build()));

    assertThat(watch.alerts())
        .containsExactly(new CreditLimitWatch.Alert("1", "credit limit raised by more than 50%"));
  }
}
