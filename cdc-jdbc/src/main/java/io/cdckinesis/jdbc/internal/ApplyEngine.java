package io.cdckinesis.jdbc.internal;

import static io.cdckinesis.jdbc.internal.SqlNames.keyMatch;
import static io.cdckinesis.jdbc.internal.SqlNames.qualified;
import static io.cdckinesis.jdbc.internal.SqlNames.quote;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.jdbc.AppliedChangeListener;
import io.cdckinesis.jdbc.ApplyOutcome;
import io.cdckinesis.jdbc.ApplyTransaction;
import io.cdckinesis.jdbc.JdbcApplyException;
import io.cdckinesis.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@link io.cdckinesis.jdbc.JdbcChangeApplier}: one connection kept open
 * between transactions, the shapes of the target tables, and the transactions themselves. Not
 * thread-safe.
 */
public final class ApplyEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApplyEngine.class);

  /** A connection idle this long is checked before use (servers and proxies drop idle ones). */
  private static final long IDLE_CHECK_NANOS = Duration.ofSeconds(30).toNanos();

  private static final String POSITIONS_SUFFIX = "__cdc";

  private static final Object DDL_LOCK = new Object();

  /** The shortest wait for the schema gate (longer when statements may take longer). */
  private static final Duration GATE_WAIT = Duration.ofMinutes(1);

  /** The DDL statements still needed, decided from the metadata as it is now. */
  @FunctionalInterface
  private interface DdlPlan {
    List<String> statements() throws SQLException;
  }

  /** Everything the engine is configured with. */
  public record Settings(
      DataSource dataSource,
      JdbcDialect dialect,
      TableDefinitions definitions,
      Function<TableId, TableId> targetNames,
      String stateSchema,
      String stateTable,
      boolean createTables,
      AppliedChangeListener listener,
      Duration statementTimeout) {}

  private final Settings settings;
  private final Map<TableId, TableShape> shapes = new HashMap<>();
  private Dialect dialect;
  private SchemaGate gate = SchemaGate.NONE;
  private Session session;
  private boolean stateTableReady;
  private Tx open;

  public ApplyEngine(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Starts a transaction; nothing touches the database until the first change. */
  public ApplyTransaction begin() {
    if (open != null) {
      throw new IllegalStateException("a transaction is already open on this applier");
    }
    open = new Tx();
    return open;
  }

  /** Closes the connection (rolling back an open transaction). */
  @Override
  public void close() {
    if (open != null) {
      open.close();
    }
    discardSession();
  }

  private Session session() throws SQLException {
    if (session != null
        && (isClosed(session)
            || session.idleFor(IDLE_CHECK_NANOS) && !session.connection().isValid(5))) {
      discardSession();
    }
    if (session == null) {
      Connection c = settings.dataSource().getConnection();
      try {
        if (dialect == null) {
          JdbcDialect d = settings.dialect();
          dialect = Dialect.of(d != null ? d : JdbcDialect.of(c.getMetaData()));
          gate = dialect.schemaGate(c.getMetaData().getURL());
        }
        session = new Session(c, settings.statementTimeout());
      } catch (SQLException | RuntimeException e) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already failing
        }
        throw e;
      }
    }
    return session;
  }

  private static boolean isClosed(Session s) {
    try {
      return s.connection().isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private void discardSession() {
    if (session != null) {
      session.close();
      session = null;
    }
  }

  private Duration gateWait() {
    Duration statements = settings.statementTimeout();
    return statements != null && statements.compareTo(GATE_WAIT) > 0 ? statements : GATE_WAIT;
  }

  private String stateTable() {
    return qualified(settings.stateSchema(), settings.stateTable());
  }

  private static JdbcApplyException permanent(String message) {
    return new JdbcApplyException(message, null, false);
  }

  /** One transaction; see {@link ApplyTransaction} for the contract. */
  private final class Tx implements ApplyTransaction {

    /** Records applied since the last commit point, in order, to re-apply after a rollback. */
    private final List<Object> pending = new ArrayList<>();

    /** Table generations read (and locked) in this database transaction. */
    private final Map<TableId, Long> generations = new HashMap<>();

    /** The database transaction was rolled back: {@link #pending} must be applied again. */
    private boolean broken;

    private boolean finished;

    /** The connection this transaction's pending work lives on. */
    private Session txSession;

    /** This transaction holds its place in the {@link SchemaGate}. */
    private boolean inGate;

    private Object current;
    private String step = "connect";

    @Override
    public ApplyOutcome apply(ChangeRecord change) {
      return run(Objects.requireNonNull(change, "change"));
    }

    @Override
    public ApplyOutcome apply(ControlRecord control) {
      return run(Objects.requireNonNull(control, "control"));
    }

    @Override
    public ApplyOutcome reset(TableId source, long generation) {
      return run(new Reset(Objects.requireNonNull(source, "source"), generation));
    }

    @Override
    public long generation(TableId source) {
      Objects.requireNonNull(source, "source");
      requireOpen();
      connect();
      if (broken) {
        replay();
      }
      step = "read the table's generation";
      try {
        TableId target = target(source);
        return generation(target, positionsName(target));
      } catch (SQLException e) {
        JdbcApplyException failure = SqlErrors.wrap(step + " of " + source, e);
        fail(e);
        throw failure;
      } catch (RuntimeException e) {
        fail(null);
        throw e;
      }
    }

    private ApplyOutcome run(Object record) {
      requireOpen();
      connect();
      if (broken) {
        replay();
      }
      try {
        ApplyOutcome outcome = applyOne(record);
        pending.add(record);
        session.markUsed();
        return outcome;
      } catch (SQLException e) {
        JdbcApplyException failure = SqlErrors.wrap(step + " for " + describe(current), e);
        fail(e);
        throw failure;
      } catch (RuntimeException e) {
        fail(null);
        throw e;
      }
    }

    /**
     * Gets the engine's connection; when it is not the one this transaction's work was done on (the
     * old one was lost), that work is gone and must be applied again.
     */
    private void connect() {
      step = "connect";
      try {
        Session s = session();
        if (s != txSession) {
          if (!pending.isEmpty()) {
            broken = true;
          }
          txSession = s;
        }
      } catch (SQLException e) {
        JdbcApplyException failure = SqlErrors.wrap("connect to the database", e);
        fail(e);
        throw failure;
      }
      if (!inGate) {
        enterGate();
      }
    }

    private void enterGate() {
      step = "wait for a schema change";
      gate.enter(gateWait());
      inGate = true;
    }

    private void leaveGate() {
      if (inGate) {
        inGate = false;
        gate.leave();
      }
    }

    /**
     * Applies the records of the rolled-back transaction again, on a fresh connection if needed.
     */
    private void replay() {
      List<Object> again = new ArrayList<>(pending);
      pending.clear();
      try {
        for (Object r : again) {
          applyOne(r);
          pending.add(r);
        }
        broken = false;
      } catch (SQLException | RuntimeException e) {
        pending.clear();
        pending.addAll(again);
        String state = e instanceof SQLException s ? s.getSQLState() : null;
        JdbcApplyException failure =
            new JdbcApplyException(
                "cannot re-apply the earlier changes of this transaction ("
                    + (e instanceof SQLException s
                        ? SqlErrors.wrap(step + " for " + describe(current), s).getMessage()
                        : e.getMessage())
                    + ")",
                state,
                true); // the record now being applied is not at fault
        fail(e instanceof SQLException s ? s : null);
        throw failure;
      }
    }

    @Override
    public void commit() {
      requireOpen();
      if (pending.isEmpty()) {
        close(); // nothing since the last commit point (a failed change was rolled back)
        return;
      }
      connect();
      if (broken) {
        replay();
      }
      step = "commit";
      try {
        session.connection().commit();
        session.markUsed();
        pending.clear();
        finish();
      } catch (SQLException e) {
        JdbcApplyException failure =
            SqlErrors.wrap("commit " + pending.size() + " changes (outcome unknown)", e);
        fail(e);
        throw failure;
      }
    }

    @Override
    public void close() {
      if (finished) {
        return;
      }
      if (session != null && !broken) {
        try {
          session.connection().rollback();
        } catch (SQLException e) {
          discardSession();
        }
      }
      finish();
    }

    private void finish() {
      leaveGate();
      finished = true;
      generations.clear();
      if (open == this) {
        open = null;
      }
    }

    private void requireOpen() {
      if (finished) {
        throw new IllegalStateException("the transaction is finished");
      }
    }

    private void fail(SQLException cause) {
      broken = true;
      generations.clear();
      shapes.clear(); // re-read: a failure may come from a table changed behind our back
      if (session == null) {
        leaveGate();
        return;
      }
      boolean lost = cause != null && SqlErrors.isConnectionLost(cause) || isClosed(session);
      if (!lost) {
        try {
          session.connection().rollback();
        } catch (SQLException e) {
          lost = true;
        }
      }
      if (lost) {
        discardSession();
      }
      leaveGate();
    }

    private ApplyOutcome applyOne(Object record) throws SQLException {
      current = record;
      if (record instanceof ChangeRecord c) {
        return applyChange(c);
      }
      if (record instanceof Reset r) {
        return resetTable(target(r.source()), r.generation());
      }
      return applyControl((ControlRecord) record);
    }

    // ---- data changes

    private ApplyOutcome applyChange(ChangeRecord c) throws SQLException {
      TableId target = target(c.tableId());
      TableShape shape = shape(target, c);
      List<String> columns = targetColumns(shape, c.columns());
      if (columns.contains(null)) {
        shape = addColumns(shape, c.tableId(), missing(c.columns(), columns));
        columns = targetColumns(shape, c.columns());
      }
      requireDistinct(columns, target);
      long tableGeneration = generation(target, shape.positionsName());
      if (c.position().generation() < tableGeneration) {
        return ApplyOutcome.SUPERSEDED;
      }
      List<String> keyValues = keyValues(shape, c, columns);
      step = "store the position";
      boolean newer =
          dialect.storeIfNewer(
              session,
              shape.positionsQualified(),
              shape.keys(),
              keyValues,
              c.position().generation(),
              c.position().sortKey(),
              c.operation() == Operation.DELETE);
      if (!newer) {
        return ApplyOutcome.STALE;
      }
      if (c.operation() == Operation.DELETE) {
        step = "delete the row";
        PreparedStatement ps =
            session.prepare(
                "DELETE FROM " + shape.qualified() + " WHERE " + keyMatch("", shape.keys()));
        bind(ps, 1, keyValues);
        ps.executeUpdate();
      } else {
        step = "upsert the row";
        PreparedStatement ps =
            session.prepare(dialect.upsert(shape.qualified(), columns, shape.keys()));
        int i = 1;
        for (Object v : c.values()) {
          dialect.bindText(ps, i++, SqlValues.text(v));
        }
        ps.executeUpdate();
      }
      if (settings.listener() != null) {
        step = "run the applied-change listener";
        settings.listener().onApplied(session.connection(), c);
      }
      return ApplyOutcome.APPLIED;
    }

    /** The target column of each source column, {@code null} where the target has none. */
    private List<String> targetColumns(TableShape shape, List<String> sourceColumns) {
      List<String> out = new ArrayList<>(sourceColumns.size());
      for (String s : sourceColumns) {
        out.add(shape.resolve(s).orElse(null));
      }
      return out;
    }

    private List<String> missing(List<String> source, List<String> resolved) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < source.size(); i++) {
        if (resolved.get(i) == null) {
          out.add(source.get(i));
        }
      }
      return out;
    }

    private void requireDistinct(List<String> columns, TableId target) {
      Set<String> seen = new HashSet<>();
      for (String c : columns) {
        if (!seen.add(c)) {
          throw permanent(
              "two source columns map to column "
                  + c
                  + " of "
                  + target
                  + " (names differ in case)");
        }
      }
    }

    private List<String> keyValues(TableShape shape, ChangeRecord c, List<String> columns) {
      List<String> out = new ArrayList<>(shape.keys().size());
      for (String key : shape.keys()) {
        int i = columns.indexOf(key);
        if (i < 0) {
          throw permanent(
              describe(c) + " has no value for key column " + key + " of " + shape.target());
        }
        Object v = c.values().get(i);
        if (v == null) {
          throw permanent(describe(c) + ": key column " + key + " is NULL");
        }
        out.add(SqlValues.text(v));
      }
      return out;
    }

    private void bind(PreparedStatement ps, int from, List<String> values) throws SQLException {
      int i = from;
      for (String v : values) {
        dialect.bindText(ps, i++, v);
      }
    }

    // ---- control records

    private ApplyOutcome applyControl(ControlRecord r) throws SQLException {
      TableId target = target(r.table());
      switch (r.operation()) {
        case TRUNCATE_TABLE, DROP_TABLE -> {
          return resetTable(target, r.generation());
        }
        case ADD_COLUMN -> {
          TableShape shape = existingShape(target);
          if (shape == null) {
            return ApplyOutcome.IGNORED; // created later with the columns of its first change
          }
          List<String> missing =
              r.columns().stream().filter(col -> shape.resolve(col).isEmpty()).toList();
          if (!missing.isEmpty()) {
            addColumns(shape, r.table(), missing);
          }
          return ApplyOutcome.APPLIED;
        }
        case DROP_COLUMN -> {
          // Kept: dropping a user's column is not undoable, and older changes still carrying it
          // may arrive later from other shards. Later changes no longer set it.
          LOG.atInfo()
              .setMessage("source dropped columns; the target keeps them")
              .addKeyValue("table", qualified(target.schema(), target.table()))
              .addKeyValue("columns", r.columns())
              .log();
          return ApplyOutcome.IGNORED;
        }
        default -> throw new IllegalStateException("unknown control operation " + r.operation());
      }
    }

    /**
     * Starts generation {@code n}: every row and tombstone of an older generation goes, rows of
     * generation n or later (applied before the reset reached us) stay.
     */
    private ApplyOutcome resetTable(TableId target, long n) throws SQLException {
      ensureStateTable();
      step = "reset the table";
      String positionsName = positionsName(target);
      insertStateRowIfMissing(target, positionsName);
      PreparedStatement up =
          session.prepare(
              "UPDATE "
                  + stateTable()
                  + " SET \"generation\" = ? WHERE \"table_schema\" = ? AND \"table_name\" = ?"
                  + " AND \"generation\" < ?");
      up.setLong(1, n);
      up.setString(2, target.schema());
      up.setString(3, target.table());
      up.setLong(4, n);
      if (up.executeUpdate() == 0) {
        return ApplyOutcome.STALE;
      }
      generations.put(target, n);
      TableShape shape = existingShape(target);
      int deleted = 0;
      if (shape != null && shape.positionsReady()) {
        String keys =
            shape.keys().stream()
                .map(k -> "cdc_p." + quote(k) + " = cdc_t." + quote(k))
                .collect(Collectors.joining(" AND "));
        PreparedStatement rows =
            session.prepare(
                "DELETE FROM "
                    + shape.qualified()
                    + " AS cdc_t WHERE NOT EXISTS (SELECT 1 FROM "
                    + shape.positionsQualified()
                    + " AS cdc_p WHERE "
                    + keys
                    + " AND cdc_p."
                    + Dialect.Q_GENERATION
                    + " >= ?)");
        rows.setLong(1, n);
        deleted = rows.executeUpdate();
        PreparedStatement positions =
            session.prepare(
                "DELETE FROM "
                    + shape.positionsQualified()
                    + " WHERE "
                    + Dialect.Q_GENERATION
                    + " < ?");
        positions.setLong(1, n);
        positions.executeUpdate();
      } else if (shape != null) {
        PreparedStatement rows = session.prepare("DELETE FROM " + shape.qualified());
        deleted = rows.executeUpdate();
      }
      LOG.atInfo()
          .setMessage("table reset to a new load generation")
          .addKeyValue("table", qualified(target.schema(), target.table()))
          .addKeyValue("generation", n)
          .addKeyValue("rowsDeleted", deleted)
          .log();
      return ApplyOutcome.APPLIED;
    }

    // ---- tables, columns and generations

    private TableId target(TableId source) {
      TableId t = settings.targetNames().apply(source);
      if (t == null) {
        throw permanent("the target name mapping gave no table for " + source);
      }
      return t;
    }

    private String positionsName(TableId target) {
      return SqlNames.derived(target.table(), POSITIONS_SUFFIX, dialect.maxIdentifierBytes());
    }

    /** The table's shape, creating the table, its positions table or both when missing. */
    private TableShape shape(TableId target, ChangeRecord c) throws SQLException {
      TableShape s = shapes.get(target);
      if (s != null && s.positionsReady()) {
        return s;
      }
      s = existingShape(target);
      if (s == null) {
        createTable(target, c);
        s = existingShape(target);
        if (s == null) {
          throw permanent("table " + target + " was created but cannot be seen in the metadata");
        }
      }
      if (s.keys().isEmpty()) {
        throw permanent(
            "target table "
                + target
                + " has no primary key; a relational target needs one to match changes to rows");
      }
      if (!s.positionsReady()) {
        createPositionsTable(s);
        shapes.remove(target);
        s = existingShape(target);
        if (s == null || !s.positionsReady()) {
          throw permanent("the positions table of " + target + " cannot be seen after creation");
        }
      }
      return s;
    }

    /** The table's shape as the database has it, or {@code null} when the table is missing. */
    private TableShape existingShape(TableId target) throws SQLException {
      TableShape cached = shapes.get(target);
      if (cached != null) {
        return cached;
      }
      step = "read the shape of the target table";
      Connection conn = session.connection();
      List<String> columns = Metadata.columns(conn, target.schema(), target.table());
      if (columns.isEmpty()) {
        return null;
      }
      List<String> keys = Metadata.primaryKey(conn, target.schema(), target.table());
      String positionsName = positionsName(target);
      List<String> positionColumns = Metadata.columns(conn, target.schema(), positionsName);
      boolean ready =
          !keys.isEmpty()
              && positionColumns.containsAll(keys)
              && positionColumns.containsAll(
                  List.of(Dialect.GENERATION, Dialect.POSITION, Dialect.DELETED));
      TableShape s = new TableShape(target, columns, keys, positionsName, ready);
      shapes.put(target, s);
      return s;
    }

    private void createTable(TableId target, ChangeRecord c) throws SQLException {
      if (!settings.createTables()) {
        throw permanent("target table " + target + " does not exist (table creation is off)");
      }
      Optional<TableDefinition> def = settings.definitions().find(c.tableId());
      List<String> columns = new ArrayList<>();
      def.filter(TableDefinition::hasColumns).ifPresent(d -> columns.addAll(d.columns()));
      for (String col : c.columns()) {
        if (!columns.contains(col)) {
          columns.add(col);
        }
      }
      List<String> keys =
          !c.primaryKey().isEmpty()
              ? c.primaryKey()
              : def.map(TableDefinition::primaryKey).orElse(List.of());
      if (keys.isEmpty()) {
        throw permanent(
            describe(c)
                + ": the table's primary key is unknown; a relational target needs one (declare"
                + " it in the table definitions)");
      }
      checkName(target.schema());
      checkName(target.table());
      StringBuilder ddl =
          new StringBuilder("CREATE TABLE IF NOT EXISTS ")
              .append(qualified(target.schema(), target.table()))
              .append(" (");
      for (String col : columns) {
        checkName(col);
        ddl.append(quote(col)).append(' ').append(type(def, col));
        if (keys.contains(col)) {
          ddl.append(" NOT NULL");
        }
        ddl.append(", ");
      }
      ddl.append("PRIMARY KEY (").append(SqlNames.list(keys)).append("))");
      step = "create the target table";
      ddl(
          () -> {
            Connection conn = session.connection();
            List<String> statements = new ArrayList<>();
            if (!Metadata.columns(conn, target.schema(), target.table()).isEmpty()) {
              return statements; // created meanwhile by another consumer
            }
            if (!Metadata.schemaExists(conn, target.schema())) {
              statements.add("CREATE SCHEMA IF NOT EXISTS " + quote(target.schema()));
            }
            statements.add(ddl.toString());
            return statements;
          });
      shapes.remove(target);
      LOG.atInfo()
          .setMessage("created target table")
          .addKeyValue("table", qualified(target.schema(), target.table()))
          .addKeyValue("columns", columns.size())
          .log();
    }

    private void createPositionsTable(TableShape s) throws SQLException {
      String name = s.positionsName();
      int max = dialect.maxIdentifierBytes();
      step = "create the positions table";
      ddl(
          () ->
              Metadata.columns(session.connection(), s.target().schema(), name)
                      .containsAll(List.of(Dialect.GENERATION, Dialect.POSITION, Dialect.DELETED))
                  ? List.of()
                  : dialect.createPositionsTable(
                      s.qualified(),
                      s.positionsQualified(),
                      SqlNames.derived(s.target().table(), POSITIONS_SUFFIX + "_pk", max),
                      SqlNames.derived(s.target().table(), POSITIONS_SUFFIX + "_gen", max),
                      s.keys()));
      LOG.atInfo()
          .setMessage("created positions table")
          .addKeyValue("table", s.qualified())
          .addKeyValue("positions", qualified(s.target().schema(), name))
          .log();
    }

    private TableShape addColumns(TableShape shape, TableId source, List<String> columns)
        throws SQLException {
      if (!settings.createTables()) {
        throw permanent(
            "target table " + shape.target() + " lacks columns " + columns + " (creation is off)");
      }
      Optional<TableDefinition> def = settings.definitions().find(source);
      columns.forEach(this::checkName);
      step = "add columns to the target table";
      ddl(
          () -> {
            List<String> now =
                Metadata.columns(
                    session.connection(), shape.target().schema(), shape.target().table());
            List<String> statements = new ArrayList<>();
            for (String col : columns) {
              if (TableShape.resolve(now, col).isEmpty()) {
                statements.add(
                    "ALTER TABLE "
                        + shape.qualified()
                        + " ADD COLUMN IF NOT EXISTS "
                        + quote(col)
                        + " "
                        + type(def, col));
              }
            }
            return statements;
          });
      shapes.remove(shape.target());
      LOG.atInfo()
          .setMessage("added columns to target table")
          .addKeyValue("table", shape.qualified())
          .addKeyValue("columns", columns)
          .log();
      TableShape s = existingShape(shape.target());
      if (s == null) {
        throw permanent("target table " + shape.target() + " disappeared");
      }
      return s;
    }

    private String type(Optional<TableDefinition> def, String column) {
      return dialect.columnType(def.map(d -> d.typeOf(column)).orElse(ColumnType.STRING));
    }

    private void checkName(String name) {
      if (SqlNames.utf8Length(name) > dialect.maxIdentifierBytes()) {
        throw permanent(
            "identifier "
                + quote(name)
                + " is longer than the database's limit of "
                + dialect.maxIdentifierBytes()
                + " bytes");
      }
    }

    /**
     * The table's load generation, read under a lock held to the end of the transaction, so that a
     * concurrent reset either waits for this transaction or is seen by it.
     */
    private long generation(TableId target, String positionsName) throws SQLException {
      Long g = generations.get(target);
      if (g != null) {
        return g;
      }
      ensureStateTable();
      step = "read the table's generation";
      PreparedStatement ps =
          session.prepare(
              "SELECT \"generation\" FROM "
                  + stateTable()
                  + " WHERE \"table_schema\" = ? AND \"table_name\" = ? "
                  + dialect.shareLock());
      for (int attempt = 0; g == null && attempt < 2; attempt++) {
        ps.setString(1, target.schema());
        ps.setString(2, target.table());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            g = rs.getLong(1);
          }
        }
        if (g == null) {
          insertStateRowIfMissing(target, positionsName);
        }
      }
      if (g == null) {
        throw new JdbcApplyException("no state row for " + target, null, true);
      }
      generations.put(target, g);
      return g;
    }

    private void insertStateRowIfMissing(TableId target, String positionsName) throws SQLException {
      PreparedStatement ins = session.prepare(dialect.insertStateRowIfMissing(stateTable()));
      ins.setString(1, target.schema());
      ins.setString(2, target.table());
      ins.setString(3, positionsName);
      ins.executeUpdate();
    }

    private void ensureStateTable() throws SQLException {
      if (stateTableReady) {
        return;
      }
      if (!stateTableExists()) {
        step = "create the state table";
        ddl(
            () -> {
              List<String> statements = new ArrayList<>();
              if (stateTableExists()) {
                return statements;
              }
              String stateSchema = settings.stateSchema();
              if (stateSchema != null
                  && !Metadata.schemaExists(session.connection(), stateSchema)) {
                statements.add("CREATE SCHEMA IF NOT EXISTS " + quote(stateSchema));
              }
              String text = dialect.columnType(ColumnType.STRING);
              statements.add(
                  "CREATE TABLE IF NOT EXISTS "
                      + stateTable()
                      + " (\"table_schema\" "
                      + text
                      + " NOT NULL, \"table_name\" "
                      + text
                      + " NOT NULL, \"generation\" BIGINT NOT NULL, \"positions_table\" "
                      + text
                      + " NOT NULL, PRIMARY KEY (\"table_schema\", \"table_name\"))");
              return statements;
            });
      }
      stateTableReady = true;
    }

    private boolean stateTableExists() throws SQLException {
      Connection conn = session.connection();
      String schema = settings.stateSchema() != null ? settings.stateSchema() : conn.getSchema();
      return schema != null && !Metadata.columns(conn, schema, settings.stateTable()).isEmpty();
    }

    /**
     * Runs DDL in a transaction of its own. The work before it commits first: a commit point that
     * keeps exactly-once (positions commit with their effects), needed because H2 commits at every
     * DDL statement, and kind to PostgreSQL (the DDL's exclusive lock is not held for the batch).
     */
    private void ddl(DdlPlan plan) throws SQLException {
      Connection conn = session.connection();
      conn.commit();
      pending.clear();
      generations.clear();
      leaveGate();
      // One schema change at a time in this JVM (H2 fails concurrent DDL on one table), planned
      // inside the lock from fresh metadata, so that a table another thread just created is not
      // created again. No database lock is held while waiting: the work before was committed.
      // On H2 it also waits for the open transactions of other appliers to end (SchemaGate).
      synchronized (DDL_LOCK) {
        gate.close(gateWait());
        try {
          for (String s : plan.statements()) {
            session.execute(s);
          }
          conn.commit();
        } finally {
          gate.reopen();
        }
      }
      enterGate();
    }
  }

  /** A reset asked for without a control record (a reload seen from a newer generation's row). */
  private record Reset(TableId source, long generation) {}

  private static String describe(Object record) {
    if (record instanceof Reset r) {
      return "reset of " + r.source() + " to generation " + r.generation();
    }
    if (record instanceof ChangeRecord c) {
      return c.operation().wireName() + " of " + c.tableId() + " at " + c.position();
    }
    if (record instanceof ControlRecord r) {
      return r.operation().wireName()
          + " of "
          + r.table()
          + " (generation "
          + r.generation()
          + ") from "
          + r.source().uri();
    }
    return "nothing";
  }
}
