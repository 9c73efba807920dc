package io.cdckinesis.jdbc;

import static io.cdckinesis.core.Operation.DELETE;
import static io.cdckinesis.core.Operation.INSERT;
import static io.cdckinesis.core.Operation.LOAD;
import static io.cdckinesis.core.Operation.UPDATE;
import static io.cdckinesis.jdbc.Changes.CUSTOMER;
import static io.cdckinesis.jdbc.Changes.at;
import static io.cdckinesis.jdbc.Changes.customer;
import static io.cdckinesis.jdbc.Changes.load;
import static io.cdckinesis.jdbc.Changes.reset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcChangeApplier} promises, checked against each supported database (a subclass per
 * dialect provides fresh databases).
 */
abstract class JdbcChangeApplierContract {

  /** Threads of their own: the common pool may have a single thread on a small machine. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  protected DataSource db;
  protected CuttableDataSource connections;

  /** A fresh, empty database. */
  protected abstract DataSource newDatabase() throws Exception;

  protected abstract JdbcDialect dialect();

  @BeforeEach
  void freshDatabase() throws Exception {
    db = newDatabase();
    AppliedLog.create(db);
    connections = new CuttableDataSource(db);
  }

  protected JdbcChangeApplier applier() {
    return applier(b -> b);
  }

  protected JdbcChangeApplier applier(UnaryOperator<JdbcChangeApplier.Builder> custom) {
    return custom
        .apply(
            JdbcChangeApplier.builder()
                .dataSource(connections)
                .dialect(dialect())
                .onApplied(AppliedLog.listener()))
        .build();
  }

  /** Applies records in one transaction with a fresh applier and returns their outcomes. */
  protected List<ApplyOutcome> applyAll(Object... records) {
    try (JdbcChangeApplier a = applier()) {
      return applyAll(a, records);
    }
  }

  protected static List<ApplyOutcome> applyAll(JdbcChangeApplier a, Object... records) {
    List<ApplyOutcome> out = new ArrayList<>();
    try (ApplyTransaction tx = a.begin()) {
      for (Object r : records) {
        out.add(r instanceof ChangeRecord c ? tx.apply(c) : tx.apply((ControlRecord) r));
      }
      tx.commit();
    }
    return out;
  }

  protected List<String> customers() throws SQLException {
    return rows("SELECT \"id\", \"name\" FROM \"dbo\".\"Customer\" ORDER BY \"id\"");
  }

  /** Rows as {@code a|b|c} strings. */
  protected List<String> rows(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          b.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  @Test
  void insertsUpdatesAndDeletesMirrorTheSource() throws Exception {
    List<ApplyOutcome> outcomes =
        applyAll(
            customer(LOAD, load(1, 1), 1, "Ann"),
            customer(LOAD, load(1, 2), 2, "Bob"),
            customer(INSERT, at(1, 1, 1), 3, "Cy"),
            customer(UPDATE, at(1, 1, 2), 1, "Ann B"),
            customer(DELETE, at(1, 1, 3), 2, "Bob"));

    assertThat(outcomes).containsOnly(ApplyOutcome.APPLIED);
    assertThat(customers()).containsExactly("1|Ann B", "3|Cy");
    assertThat(AppliedLog.counter(db)).isEqualTo(5);
  }

  @Test
  void aRedeliveredBatchIsSkippedByAFreshApplier() throws Exception {
    Object[] batch = {
      customer(INSERT, at(1, 1, 1), 1, "Ann"),
      customer(INSERT, at(1, 1, 2), 2, "Bob"),
      customer(UPDATE, at(1, 1, 3), 1, "Ann B"),
      customer(DELETE, at(1, 1, 4), 2, "Bob")
    };
    applyAll(batch);

    assertThat(applyAll(batch)).containsOnly(ApplyOutcome.STALE);
    assertThat(customers()).containsExactly("1|Ann B");
    assertThat(AppliedLog.counter(db)).isEqualTo(4);
    assertThat(AppliedLog.applications(db).values()).containsOnly(1);
  }

  @Test
  void anOlderChangeArrivingLateDoesNotOverwriteANewerOne() throws Exception {
    applyAll(customer(UPDATE, at(1, 2, 1), 1, "newer"));

    assertThat(applyAll(customer(UPDATE, at(1, 1, 9), 1, "older")))
        .containsExactly(ApplyOutcome.STALE);
    assertThat(customers()).containsExactly("1|newer");
  }

  @Test
  void aDeleteLeavesATombstoneSoALateOlderInsertCannotResurrectTheRow() throws Exception {
    applyAll(customer(INSERT, at(1, 1, 1), 1, "Ann"), customer(DELETE, at(1, 1, 5), 1, "Ann"));

    assertThat(applyAll(customer(INSERT, at(1, 1, 3), 1, "Ann")))
        .containsExactly(ApplyOutcome.STALE);
    assertThat(customers()).isEmpty();
    assertThat(rows("SELECT \"id\", \"cdc_deleted\" FROM \"dbo\".\"Customer__cdc\""))
        .containsExactly("1|" + (dialect() == JdbcDialect.H2 ? "TRUE" : "t"));

    assertThat(applyAll(customer(INSERT, at(1, 2, 1), 1, "Ann again")))
        .containsExactly(ApplyOutcome.APPLIED);
    assertThat(customers()).containsExactly("1|Ann again");
  }

  @Test
  void aDeleteOfARowNeverSeenStillKeepsItsTombstone() throws Exception {
    assertThat(applyAll(customer(DELETE, at(1, 1, 5), 7, "Gone")))
        .containsExactly(ApplyOutcome.APPLIED);
    assertThat(applyAll(customer(LOAD, load(1, 1), 7, "Gone"))).containsExactly(ApplyOutcome.STALE);
    assertThat(customers()).isEmpty();
  }

  @Test
  void aResetRemovesOlderGenerationsButKeepsRowsOfItsOwnThatArrivedBeforeIt() throws Exception {
    applyAll(
        customer(LOAD, load(1, 1), 1, "Ann"),
        customer(LOAD, load(1, 2), 2, "Bob"),
        customer(LOAD, load(1, 3), 3, "Cy"),
        customer(DELETE, at(1, 1, 1), 3, "Cy"));
    // the reload's rows travel on other shards and may arrive before the truncate
    applyAll(customer(LOAD, load(2, 1), 2, "Bob v2"));

    assertThat(applyAll(reset(CUSTOMER, 2))).containsExactly(ApplyOutcome.APPLIED);

    assertThat(customers()).containsExactly("2|Bob v2");
    assertThat(rows("SELECT \"id\", \"cdc_generation\" FROM \"dbo\".\"Customer__cdc\""))
        .containsExactly("2|2");
    assertThat(rows("SELECT \"generation\" FROM \"cdc_tables\"")).containsExactly("2");
  }

  @Test
  void changesOfAGenerationTheTableHasLeftAreSupersededAndAResetIsAppliedOnce() throws Exception {
    applyAll(customer(LOAD, load(1, 1), 1, "Ann"), reset(CUSTOMER, 2));

    List<ApplyOutcome> late =
        applyAll(
            customer(UPDATE, at(1, 9, 1), 1, "late gen 1"),
            customer(INSERT, at(1, 9, 2), 5, "late gen 1"),
            reset(CUSTOMER, 2),
            reset(CUSTOMER, 1),
            customer(LOAD, load(2, 1), 1, "Ann v2"));

    assertThat(late)
        .containsExactly(
            ApplyOutcome.SUPERSEDED,
            ApplyOutcome.SUPERSEDED,
            ApplyOutcome.STALE,
            ApplyOutcome.STALE,
            ApplyOutcome.APPLIED);
    assertThat(customers()).containsExactly("1|Ann v2");
  }

  @Test
  void aResetBeforeTheTableExistsStillSupersedesOlderChanges() throws Exception {
    assertThat(applyAll(reset(CUSTOMER, 3))).containsExactly(ApplyOutcome.APPLIED);

    assertThat(
            applyAll(
                customer(INSERT, at(2, 1, 1), 1, "gen 2"), customer(LOAD, load(3, 1), 2, "gen 3")))
        .containsExactly(ApplyOutcome.SUPERSEDED, ApplyOutcome.APPLIED);
    assertThat(customers()).containsExactly("2|gen 3");
  }

  @Test
  void columnsAChangeDoesNotCarryAreLeftAlone() throws Exception {
    TableId doc = TableId.of("HR", "DOC");
    applyAll(
        ChangeRecord.builder()
            .operation(INSERT)
            .table(doc)
            .value("ID", 1L)
            .value("TITLE", "t1")
            .value("BODY", "a long LOB")
            .primaryKey("ID")
            .position(at(1, 1, 1))
            .build());
    // DMS did not supply the untouched LOB column of this update
    applyAll(
        ChangeRecord.builder()
            .operation(UPDATE)
            .table(doc)
            .value("ID", 1L)
            .value("TITLE", "t2")
            .primaryKey("ID")
            .position(at(1, 1, 2))
            .build());

    assertThat(rows("SELECT \"ID\", \"TITLE\", \"BODY\" FROM \"HR\".\"DOC\""))
        .containsExactly("1|t2|a long LOB");
  }

  @Test
  void aNewColumnInAChangeIsAddedAndAddColumnRecordsAddTheirs() throws Exception {
    applyAll(customer(INSERT, at(1, 1, 1), 1, "Ann"));
    ChangeRecord withEmail =
        ChangeRecord.builder()
            .operation(INSERT)
            .table(CUSTOMER)
            .value("id", 2L)
            .value("name", "Bob")
            .value("email", "b@example.com")
            .primaryKey("id")
            .position(at(1, 2, 1))
            .build();

    assertThat(
            applyAll(
                withEmail,
                Changes.columns(ControlOperation.ADD_COLUMN, CUSTOMER, "phone", "email")))
        .containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.APPLIED);

    assertThat(
            rows(
                "SELECT \"id\", \"name\", \"email\", \"phone\" FROM \"dbo\".\"Customer\" ORDER BY"
                    + " \"id\""))
        .containsExactly("1|Ann|null|null", "2|Bob|b@example.com|null");
    assertThat(AppliedLog.counter(db)).isEqualTo(2);
  }

  @Test
  void aDroppedColumnIsKeptWithItsValues() throws Exception {
    applyAll(customer(INSERT, at(1, 1, 1), 1, "Ann"));

    assertThat(applyAll(Changes.columns(ControlOperation.DROP_COLUMN, CUSTOMER, "name")))
        .containsExactly(ApplyOutcome.IGNORED);
    applyAll(
        ChangeRecord.builder()
            .operation(UPDATE)
            .table(CUSTOMER)
            .value("id", 1L)
            .primaryKey("id")
            .position(at(1, 2, 1))
            .build());

    assertThat(customers()).containsExactly("1|Ann");
  }

  @Test
  void namesKeepTheirCaseSpacesAndQuotes() throws Exception {
    TableId odd = TableId.of("Sales Dept", "Order \"Lines\"");
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(INSERT)
            .table(odd)
            .value("Order Id", 1L)
            .value("Line", 2L)
            .value("unit \"price\"", "9.50")
            .value("ID", "upper")
            .value("id", "lower")
            .primaryKey("Order Id", "Line")
            .position(at(1, 1, 1))
            .build();

    assertThat(applyAll(r)).containsExactly(ApplyOutcome.APPLIED);
    assertThat(applyAll(r)).containsExactly(ApplyOutcome.STALE);
    assertThat(
            rows(
                "SELECT \"Order Id\", \"Line\", \"unit \"\"price\"\"\", \"ID\", \"id\""
                    + " FROM \"Sales Dept\".\"Order \"\"Lines\"\"\""))
        .containsExactly("1|2|9.50|upper|lower");
  }

  @Test
  void declaredTypesAreKeptExactlyWhetherValuesArriveTypedOrAsText() throws Exception {
    TableId prices = TableId.of("dbo", "Price");
    TableDefinitions defs =
        TableDefinitions.of(
            TableDefinition.builder(prices)
                .column("id", ColumnType.INTEGER)
                .column("amount", ColumnType.DECIMAL)
                .column("day", ColumnType.DATE)
                .column("at", ColumnType.TIMESTAMP)
                .column("active", ColumnType.BOOLEAN)
                .primaryKey("id")
                .build());
    UnaryOperator<ChangeRecord.Builder> row =
        b -> b.operation(INSERT).table(prices).primaryKey("id");
    ChangeRecord typed =
        row.apply(ChangeRecord.builder())
            .value("id", new BigInteger("18446744073709551615")) // BIGINT UNSIGNED
            .value("amount", new BigDecimal("12345678901234567890.123456789"))
            .value("day", LocalDate.of(2026, 1, 2))
            .value("at", LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000))
            .value("active", true)
            .position(at(1, 1, 1))
            .build();
    ChangeRecord text =
        row.apply(ChangeRecord.builder())
            .value("id", "2")
            .value("amount", "0.10")
            .value("day", "2026-03-04")
            .value("at", "2026-03-04T05:06:07.5")
            .value("active", "false")
            .position(at(1, 1, 2))
            .build();
    ChangeRecord oracle =
        row.apply(ChangeRecord.builder())
            .value("id", 3L)
            .value("amount", Double.NaN) // a FLOAT column's NaN, as the reader gives it
            .value("day", LocalDateTime.of(2026, 5, 6, 7, 8, 9)) // an Oracle DATE has a time
            .value("at", null)
            .value("active", null)
            .position(at(1, 1, 3))
            .build();

    try (JdbcChangeApplier a = applier(b -> b.tables(defs))) {
      applyAll(a, typed, text, oracle);
    }

    List<String> got = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"id\", \"amount\", \"day\", \"at\", \"active\" FROM \"dbo\".\"Price\""
                    + " ORDER BY \"id\"")) {
      while (rs.next()) {
        String amount = rs.getString(2);
        got.add(
            rs.getBigDecimal(1).toBigInteger()
                + "|"
                + (amount.equals("NaN")
                    ? amount
                    : new BigDecimal(amount).stripTrailingZeros().toPlainString())
                + "|"
                + rs.getObject(3, LocalDateTime.class)
                + "|"
                + rs.getObject(4, LocalDateTime.class)
                + "|"
                + rs.getObject(5));
      }
    }
    assertThat(got)
        .containsExactly(
            "2|0.1|2026-03-04T00:00|2026-03-04T05:06:07.500|false",
            "3|NaN|2026-05-06T07:08:09|null|null",
            "18446744073709551615|12345678901234567890.123456789|2026-01-02T00:00"
                + "|2026-01-02T03:04:05.123456|true");
  }

  @Test
  void closingWithoutCommitRollsBackEffectsAndPositionsTogether() throws Exception {
    try (JdbcChangeApplier a = applier()) {
      try (ApplyTransaction tx = a.begin()) {
        tx.apply(customer(INSERT, at(1, 1, 1), 1, "Ann"));
        tx.apply(customer(INSERT, at(1, 1, 2), 2, "Bob"));
      }
      assertThat(customers()).isEmpty();
      assertThat(applyAll(a, customer(INSERT, at(1, 1, 1), 1, "Ann")))
          .containsExactly(ApplyOutcome.APPLIED);
    }
    assertThat(AppliedLog.counter(db)).isEqualTo(1);
  }

  @Test
  void aChangeThatCanNeverApplyFailsWithoutRetryNamingNoValueAndTheRestCommits() throws Exception {
    TableId prices = TableId.of("dbo", "Price");
    TableDefinitions defs =
        TableDefinitions.of(
            TableDefinition.builder(prices)
                .column("id", ColumnType.INTEGER)
                .column("amount", ColumnType.DECIMAL)
                .primaryKey("id")
                .build());
    UnaryOperator<ChangeRecord.Builder> row =
        b -> b.operation(INSERT).table(prices).primaryKey("id");
    try (JdbcChangeApplier a = applier(b -> b.tables(defs));
        ApplyTransaction tx = a.begin()) {
      tx.apply(
          row.apply(ChangeRecord.builder())
              .value("id", 1L)
              .value("amount", "1.5")
              .position(at(1, 1, 1))
              .build());
      ChangeRecord poison =
          row.apply(ChangeRecord.builder())
              .value("id", 2L)
              .value("amount", "SECRET-not-a-number")
              .position(at(1, 1, 2))
              .build();

      assertThatThrownBy(() -> tx.apply(poison))
          .isInstanceOfSatisfying(
              JdbcApplyException.class,
              e -> {
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.sqlState()).startsWith("22");
                assertThat(e.getMessage())
                    .contains("dbo.Price", "insert", "20260101-000000001.csv")
                    .doesNotContain("SECRET");
                assertThat(e.getCause()).isNull();
              });

      tx.apply(
          row.apply(ChangeRecord.builder())
              .value("id", 3L)
              .value("amount", "3")
              .position(at(1, 1, 3))
              .build());
      tx.commit();
    }
    assertThat(rows("SELECT \"id\" FROM \"dbo\".\"Price\" ORDER BY \"id\""))
        .containsExactly("1", "3");
    assertThat(AppliedLog.counter(db)).isEqualTo(2);
  }

  @Test
  void aConnectionLostMidTransactionIsReplacedAndTheEarlierChangesApplyOnce() throws Exception {
    try (JdbcChangeApplier a = applier();
        ApplyTransaction tx = a.begin()) {
      tx.apply(customer(INSERT, at(1, 1, 1), 1, "Ann"));
      tx.apply(customer(INSERT, at(1, 1, 2), 2, "Bob"));
      connections.cut(); // the database rolled back Ann and Bob with the connection

      assertThat(tx.apply(customer(INSERT, at(1, 1, 3), 3, "Cy"))).isEqualTo(ApplyOutcome.APPLIED);
      tx.commit();
    }
    assertThat(customers()).containsExactly("1|Ann", "2|Bob", "3|Cy");
    assertThat(AppliedLog.counter(db)).isEqualTo(3);
    assertThat(connections.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void aDatabaseThatIsDownFailsRetryablyAndTheSameTransactionGoesOnWhenItIsBack() throws Exception {
    try (JdbcChangeApplier a = applier();
        ApplyTransaction tx = a.begin()) {
      tx.apply(customer(INSERT, at(1, 1, 1), 1, "Ann"));
      connections.cut();
      connections.refuse(true);

      for (int i = 0; i < 3; i++) {
        boolean first = i == 0; // finds the connection closed; then connecting is refused
        assertThatThrownBy(() -> tx.apply(customer(INSERT, at(1, 1, 2), 2, "Bob")))
            .isInstanceOfSatisfying(
                JdbcApplyException.class,
                e -> {
                  assertThat(e.isRetryable()).isTrue();
                  if (!first) {
                    assertThat(e.sqlState()).isEqualTo("08001");
                  }
                });
      }
      assertThatThrownBy(tx::commit)
          .isInstanceOfSatisfying(
              JdbcApplyException.class, e -> assertThat(e.isRetryable()).isTrue());

      connections.refuse(false);
      tx.apply(customer(INSERT, at(1, 1, 2), 2, "Bob"));
      tx.commit();
    }
    assertThat(customers()).containsExactly("1|Ann", "2|Bob");
    assertThat(AppliedLog.counter(db)).isEqualTo(2);
  }

  @Test
  void aSchemaChangeMidBatchCommitsTheWorkBeforeItAndRedeliveryStaysExactlyOnce() throws Exception {
    TableId orders = TableId.of("dbo", "Orders");
    ChangeRecord order =
        ChangeRecord.builder()
            .operation(INSERT)
            .table(orders)
            .value("no", 10L)
            .primaryKey("no")
            .position(at(1, 1, 3))
            .build();
    Object[] batch = {
      customer(INSERT, at(1, 1, 1), 1, "Ann"), customer(INSERT, at(1, 1, 2), 2, "Bob"), order
    };
    try (JdbcChangeApplier a = applier();
        ApplyTransaction tx = a.begin()) {
      for (Object r : batch) {
        tx.apply((ChangeRecord) r);
      }
      // crash before the commit: the table creation committed the customers with their positions
    }
    assertThat(customers()).containsExactly("1|Ann", "2|Bob");

    assertThat(applyAll(batch))
        .containsExactly(ApplyOutcome.STALE, ApplyOutcome.STALE, ApplyOutcome.APPLIED);
    assertThat(AppliedLog.counter(db)).isEqualTo(3);
    assertThat(AppliedLog.applications(db).values()).containsOnly(1);
  }

  @Test
  void aTableWithoutAPrimaryKeyIsRefusedForGood() {
    ChangeRecord noKey =
        ChangeRecord.builder()
            .operation(INSERT)
            .table("dbo", "Log")
            .value("msg", "x")
            .position(at(1, 1, 1))
            .build();

    assertThatThrownBy(() -> applyAll(noKey))
        .isInstanceOfSatisfying(
            JdbcApplyException.class,
            e -> {
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.getMessage()).contains("dbo.Log", "primary key");
            });
  }

  @Test
  void aTableCreatedByHandWithUnquotedNamesIsMatchedWhateverTheCase() throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA app");
      s.execute("CREATE TABLE app.customer (id INT PRIMARY KEY, name VARCHAR(50), extra INT)");
      s.execute("INSERT INTO app.customer VALUES (1, 'before', 42)");
    }
    String schema =
        rows("SELECT table_schema FROM information_schema.tables WHERE"
                + " LOWER(table_name) = 'customer'")
            .get(0);
    String table = dialect() == JdbcDialect.H2 ? "CUSTOMER" : "customer";
    ChangeRecord r =
        ChangeRecord.builder()
            .operation(UPDATE)
            .table("HR", "Customer")
            .value("ID", 1L)
            .value("NAME", "after")
            .primaryKey("ID")
            .position(at(1, 1, 1))
            .build();

    try (JdbcChangeApplier a = applier(b -> b.targetNames(t -> TableId.of(schema, table)))) {
      assertThat(applyAll(a, r)).containsExactly(ApplyOutcome.APPLIED);
    }
    assertThat(rows("SELECT id, name, extra FROM app.customer")).containsExactly("1|after|42");
  }

  @Test
  void aConcurrentResetWaitsForAWriterOfAnOlderGenerationAndThenRemovesItsRows() throws Exception {
    applyAll(customer(LOAD, load(1, 1), 1, "Ann"));
    try (JdbcChangeApplier writer = applier();
        JdbcChangeApplier resetter = applier()) {
      ApplyTransaction w = writer.begin();
      w.apply(customer(INSERT, at(1, 5, 1), 9, "written during the reset"));

      CompletableFuture<List<ApplyOutcome>> reset =
          CompletableFuture.supplyAsync(() -> applyAll(resetter, reset(CUSTOMER, 2)), threads);
      Thread.sleep(300);
      assertThat(reset).isNotDone(); // it waits for the writer's lock on the table's state

      w.commit();
      assertThat(reset.get(10, TimeUnit.SECONDS)).containsExactly(ApplyOutcome.APPLIED);
    }
    assertThat(customers()).isEmpty();
  }

  @Test
  void writersInParallelWithColumnsBeingAddedLoseNothingAndApplyEachChangeOnce() throws Exception {
    // H2 copies a table to add a column: rows other sessions wrote meanwhile were lost (demo found)
    applyAll(customer(INSERT, at(1, 1, 1), 1, "first"));
    int writers = 3;
    int batches = 30;
    int perBatch = 10;
    List<CompletableFuture<Void>> work = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      work.add(
          CompletableFuture.runAsync(
              () -> {
                try (JdbcChangeApplier a = applier()) {
                  for (int b = 0; b < batches; b++) {
                    Object[] batch = new Object[perBatch];
                    for (int i = 0; i < perBatch; i++) {
                      long id = 2 + (long) writer * batches * perBatch + (long) b * perBatch + i;
                      batch[i] = customer(INSERT, at(1, 2 + writer, id), id, "n" + id);
                    }
                    applyRetrying(a, batch);
                  }
                }
              },
              threads));
    }
    work.add(
        CompletableFuture.runAsync(
            () -> {
              try (JdbcChangeApplier a = applier()) {
                for (int c = 0; c < 20; c++) {
                  applyRetrying(a, Changes.columns(ControlOperation.ADD_COLUMN, CUSTOMER, "c" + c));
                  sleepQuietly(10);
                }
              }
            },
            threads));
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);

    int expected = 1 + writers * batches * perBatch;
    assertThat(rows("SELECT COUNT(*) FROM \"dbo\".\"Customer\""))
        .containsExactly(String.valueOf(expected));
    assertThat(AppliedLog.counter(db)).isEqualTo(expected);
    assertThat(AppliedLog.applications(db)).hasSize(expected).values().containsOnly(1);
    assertThat(rows("SELECT \"c19\" FROM \"dbo\".\"Customer\" WHERE \"id\" = '1'"))
        .containsExactly("null");
  }

  /** Applies a batch as a consumer would: again after a retryable failure (lock waits). */
  private static void applyRetrying(JdbcChangeApplier a, Object... batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        applyAll(a, batch);
        return;
      } catch (JdbcApplyException e) {
        if (!e.isRetryable() || attempt == 100) {
          throw e;
        }
        sleepQuietly(20);
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void targetSchemaPutsEveryTableInOneSchema() throws Exception {
    try (JdbcChangeApplier a = applier(b -> b.targetSchema("replica"))) {
      applyAll(a, customer(INSERT, at(1, 1, 1), 1, "Ann"));
    }
    assertThat(rows("SELECT \"id\", \"name\" FROM \"replica\".\"Customer\""))
        .containsExactly("1|Ann");
  }

  @Test
  void theApplierRefusesASecondOpenTransaction() {
    try (JdbcChangeApplier a = applier();
        ApplyTransaction tx = a.begin()) {
      assertThatThrownBy(a::begin).isInstanceOf(IllegalStateException.class);
      tx.commit();
      assertThatThrownBy(() -> tx.apply(customer(INSERT, at(1, 1, 1), 1, "x")))
          .isInstanceOf(IllegalStateException.class);
      a.begin().close();
    }
  }

  /** A position helper for subclasses. */
  protected static SourcePosition position(long generation, int file, long row) {
    return at(generation, file, row);
  }

  protected static ChangeRecord change(Operation op, SourcePosition at, long id, String name) {
    return customer(op, at, id, name);
  }
}
