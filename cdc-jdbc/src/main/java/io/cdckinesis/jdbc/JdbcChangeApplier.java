package io.cdckinesis.jdbc;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.jdbc.internal.ApplyEngine;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Applies change records to relational tables with an exactly-once effect: each row's source
 * position is stored in the same transaction as the row, and a change is applied only if it is
 * newer than the stored position. Redelivered changes, older changes arriving late, and changes of
 * a load generation the table has since left are recognised and skipped, whatever crashed and
 * restarted in between.
 *
 * <pre>{@code
 * JdbcChangeApplier applier = JdbcChangeApplier.builder().dataSource(ds).tables(definitions).build();
 * try (ApplyTransaction tx = applier.begin()) {
 *   for (ChangeRecord change : batch) {
 *     tx.apply(change);
 *   }
 *   tx.commit();
 * }
 * }</pre>
 *
 * <p>Target tables mirror the source tables: same schema, table and column names (or as {@link
 * Builder#targetNames} maps them), created when missing with types from the table definitions (text
 * where unknown), columns added when a change carries a new one. Beside each target table a
 * positions table ({@code <table>__cdc}) holds every key's last position, load generation and
 * whether it was deleted (a tombstone); a state table ({@code cdc_tables}) holds each table's load
 * generation. docs/jdbc.md describes the schema, the guarantees and what happens on a crash at each
 * step.
 *
 * <p>Holds one connection, kept open between transactions. Not thread-safe: one applier per
 * consumer (Lambda runs one invocation at a time per container).
 */
public final class JdbcChangeApplier implements AutoCloseable {

  /** The default name of the state table. */
  public static final String DEFAULT_STATE_TABLE = "cdc_tables";

  private final ApplyEngine engine;

  private JdbcChangeApplier(Builder b) {
    this.engine =
        new ApplyEngine(
            new ApplyEngine.Settings(
                b.dataSource,
                b.dialect,
                b.tables,
                b.targetNames,
                b.stateSchema,
                b.stateTable,
                b.createTables,
                b.listener,
                b.statementTimeout));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a transaction. Nothing touches the database until its first change, so this never fails
   * for a database that is down.
   *
   * @throws IllegalStateException when a transaction of this applier is still open
   */
  public ApplyTransaction begin() {
    return engine.begin();
  }

  /**
   * The load generation the target of a source table is at (0 when never reset), read in a
   * transaction of its own.
   *
   * @throws IllegalStateException when a transaction of this applier is open (ask it instead)
   * @throws JdbcApplyException when it cannot be read
   */
  public long generation(TableId source) {
    try (ApplyTransaction tx = begin()) {
      return tx.generation(source);
    }
  }

  /** Rolls back an open transaction and closes the connection. */
  @Override
  public void close() {
    engine.close();
  }

  /** Builds a {@link JdbcChangeApplier}; only the data source is required. */
  public static final class Builder {
    private DataSource dataSource;
    private JdbcDialect dialect;
    private TableDefinitions tables = TableDefinitions.empty();
    private Function<TableId, TableId> targetNames = Function.identity();
    private String stateSchema;
    private String stateTable = DEFAULT_STATE_TABLE;
    private boolean createTables = true;
    private AppliedChangeListener listener;
    private Duration statementTimeout;

    private Builder() {}

    /** Where connections come from (a pool or a plain driver data source). Required. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** The SQL dialect; by default detected from the database's product name. */
    public Builder dialect(JdbcDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** Column order, types and keys for tables this applier creates (default: none). */
    public Builder tables(TableDefinitions tables) {
      this.tables = Objects.requireNonNull(tables, "tables");
      return this;
    }

    /** Maps a source table to its target table (default: the same schema and name). */
    public Builder targetNames(Function<TableId, TableId> mapping) {
      this.targetNames = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /** Puts every target table in one schema, under its source table's name. */
    public Builder targetSchema(String schema) {
      Objects.requireNonNull(schema, "schema");
      return targetNames(source -> TableId.of(schema, source.table()));
    }

    /**
     * Where the state table lives: a schema ({@code null}: the connection's current schema) and a
     * name (default {@value #DEFAULT_STATE_TABLE}).
     */
    public Builder stateTable(String schema, String table) {
      this.stateSchema = schema;
      this.stateTable = Objects.requireNonNull(table, "table");
      return this;
    }

    /**
     * Whether missing target tables and columns are created (default). When off, a change for a
     * missing table or column fails without retry, naming it.
     */
    public Builder createTables(boolean create) {
      this.createTables = create;
      return this;
    }

    /** Called after each applied change in its transaction; see {@link AppliedChangeListener}. */
    public Builder onApplied(AppliedChangeListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Bounds every statement (JDBC query timeout, whole seconds); default none. A consumer in
     * Lambda sets it below the function timeout so that a stuck database fails a batch instead of
     * timing out the invocation.
     */
    public Builder statementTimeout(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("statement timeout must be positive");
      }
      this.statementTimeout = timeout;
      return this;
    }

    public JdbcChangeApplier build() {
      if (dataSource == null) {
        throw new ConfigurationException("JdbcChangeApplier needs a DataSource");
      }
      if (stateTable.isEmpty()) {
        throw new ConfigurationException("the state table needs a name");
      }
      return new JdbcChangeApplier(this);
    }
  }
}
