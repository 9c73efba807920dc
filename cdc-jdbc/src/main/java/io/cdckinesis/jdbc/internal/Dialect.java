package io.cdckinesis.jdbc.internal;

import static io.cdckinesis.jdbc.internal.SqlNames.keyMatch;
import static io.cdckinesis.jdbc.internal.SqlNames.list;
import static io.cdckinesis.jdbc.internal.SqlNames.quote;

import io.cdckinesis.core.ColumnType;
import io.cdckinesis.jdbc.JdbcDialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What differs between databases: type names, the upserts, the lock taken on a table's state row,
 * how text parameters are bound. Everything else in the generated SQL is standard.
 */
public abstract class Dialect {

  /** The position bookkeeping columns of a positions table. */
  public static final String GENERATION = "cdc_generation";

  public static final String POSITION = "cdc_position";
  public static final String DELETED = "cdc_deleted";

  /** The same, quoted for SQL (H2 would fold unquoted names to upper case). */
  static final String Q_GENERATION = quote(GENERATION);

  static final String Q_POSITION = quote(POSITION);
  static final String Q_DELETED = quote(DELETED);

  /** The state table's columns, quoted. */
  static final String STATE_COLUMNS =
      "\"table_schema\", \"table_name\", \"generation\", \"positions_table\"";

  public static Dialect of(JdbcDialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> new Postgres();
      case H2 -> new H2();
    };
  }

  /** The column type for values of a {@link ColumnType}. */
  public abstract String columnType(ColumnType type);

  /** The type of the position column: text compared by code point, whatever the collation. */
  abstract String positionType();

  /** Longest identifier in UTF-8 bytes; longer ones are cut (PostgreSQL) and must be refused. */
  public abstract int maxIdentifierBytes();

  /** {@code FOR SHARE} where readers of a row may share it, else {@code FOR UPDATE}. */
  abstract String shareLock();

  /** Binds a value as text for the database to parse into the column's type. */
  abstract void bindText(PreparedStatement ps, int index, String text) throws SQLException;

  /** Inserts or updates {@code columns} of the row with {@code keys}; other columns untouched. */
  abstract String upsert(String table, List<String> columns, List<String> keys);

  /** What keeps schema changes away from open transactions of the database at this URL. */
  abstract SchemaGate schemaGate(String url);

  /** Inserts a table's state row unless it exists: schema, table, positions table. */
  abstract String insertStateRowIfMissing(String stateTable);

  /**
   * Stores a row's position if it is newer than the stored one (or none is stored).
   *
   * @return whether it was stored, i.e. the change is newer and must be applied
   */
  abstract boolean storeIfNewer(
      Session session,
      String positions,
      List<String> keys,
      List<String> keyValues,
      long generation,
      String position,
      boolean deleted)
      throws SQLException;

  /** The statements that create a positions table for a target table's key columns. */
  List<String> createPositionsTable(
      String target, String positions, String constraint, String index, List<String> keys) {
    // the key columns copied with their exact types (precision, collation) from the target
    List<String> out = new ArrayList<>();
    out.add(
        "CREATE TABLE IF NOT EXISTS "
            + positions
            + " AS SELECT "
            + list(keys)
            + " FROM "
            + target
            + " WITH NO DATA");
    for (String k : keys) {
      out.add("ALTER TABLE " + positions + " ALTER COLUMN " + quote(k) + " SET NOT NULL");
    }
    out.addAll(
        List.of(
            "ALTER TABLE "
                + positions
                + " ADD COLUMN IF NOT EXISTS "
                + Q_GENERATION
                + " BIGINT NOT NULL",
            "ALTER TABLE "
                + positions
                + " ADD COLUMN IF NOT EXISTS "
                + Q_POSITION
                + " "
                + positionType()
                + " NOT NULL",
            "ALTER TABLE "
                + positions
                + " ADD COLUMN IF NOT EXISTS "
                + Q_DELETED
                + " BOOLEAN NOT NULL",
            addPrimaryKey(positions, constraint, keys),
            "CREATE INDEX IF NOT EXISTS "
                + quote(index)
                + " ON "
                + positions
                + " ("
                + Q_GENERATION
                + ")"));
    return out;
  }

  abstract String addPrimaryKey(String table, String constraint, List<String> keys);

  /** PostgreSQL: one statement per guarded write, text parameters typed by the server. */
  static final class Postgres extends Dialect {

    @Override
    public String columnType(ColumnType type) {
      return switch (type) {
        case STRING -> "text";
        case INTEGER, DECIMAL -> "numeric"; // any precision: BIGINT UNSIGNED, NUMBER(38), NaN
        case BOOLEAN -> "boolean";
        case DATE -> "timestamp(0)"; // an Oracle DATE has a time, which a date column would drop
        case TIMESTAMP -> "timestamp(6)";
      };
    }

    @Override
    String positionType() {
      return "text COLLATE \"C\"";
    }

    @Override
    public int maxIdentifierBytes() {
      return 63; // NAMEDATALEN - 1
    }

    @Override
    String shareLock() {
      return "FOR SHARE";
    }

    @Override
    void bindText(PreparedStatement ps, int index, String text) throws SQLException {
      // unspecified type: the server infers the column's type and parses the text itself
      if (text == null) {
        ps.setNull(index, java.sql.Types.OTHER);
      } else {
        ps.setObject(index, text, java.sql.Types.OTHER);
      }
    }

    @Override
    String upsert(String table, List<String> columns, List<String> keys) {
      List<String> others = columns.stream().filter(c -> !keys.contains(c)).toList();
      String values = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
      String onConflict =
          others.isEmpty()
              ? "DO NOTHING"
              : "DO UPDATE SET "
                  + others.stream()
                      .map(c -> quote(c) + " = EXCLUDED." + quote(c))
                      .collect(Collectors.joining(", "));
      return "INSERT INTO "
          + table
          + " ("
          + list(columns)
          + ") VALUES ("
          + values
          + ") ON CONFLICT ("
          + list(keys)
          + ") "
          + onConflict;
    }

    @Override
    SchemaGate schemaGate(String url) {
      return SchemaGate.NONE; // ALTER TABLE waits for the locks of open transactions
    }

    @Override
    String insertStateRowIfMissing(String stateTable) {
      return "INSERT INTO "
          + stateTable
          + " ("
          + STATE_COLUMNS
          + ") VALUES (?, ?, 0, ?)"
          + " ON CONFLICT DO NOTHING";
    }

    @Override
    boolean storeIfNewer(
        Session session,
        String positions,
        List<String> keys,
        List<String> keyValues,
        long generation,
        String position,
        boolean deleted)
        throws SQLException {
      String sql =
          "INSERT INTO "
              + positions
              + " AS p ("
              + list(keys)
              + ", "
              + Q_GENERATION
              + ", "
              + Q_POSITION
              + ", "
              + Q_DELETED
              + ") VALUES ("
              + "?, ".repeat(keys.size())
              + "?, ?, ?) ON CONFLICT ("
              + list(keys)
              + ") DO UPDATE SET "
              + Q_GENERATION
              + " = EXCLUDED."
              + Q_GENERATION
              + ", "
              + Q_POSITION
              + " = EXCLUDED."
              + Q_POSITION
              + ", "
              + Q_DELETED
              + " = EXCLUDED."
              + Q_DELETED
              + " WHERE p."
              + Q_POSITION
              + " < EXCLUDED."
              + Q_POSITION;
      PreparedStatement ps = session.prepare(sql);
      int i = 1;
      for (String v : keyValues) {
        bindText(ps, i++, v);
      }
      ps.setLong(i++, generation);
      ps.setString(i++, position);
      ps.setBoolean(i, deleted);
      return ps.executeUpdate() > 0;
    }

    @Override
    String addPrimaryKey(String table, String constraint, List<String> keys) {
      // PostgreSQL runs the whole creation in one transaction: the table is new here
      return "ALTER TABLE "
          + table
          + " ADD CONSTRAINT "
          + quote(constraint)
          + " PRIMARY KEY ("
          + list(keys)
          + ")";
    }
  }

  /**
   * H2: the row is locked and its position compared in Java (H2's MERGE needs typed sources); DDL
   * commits at once in H2, so every creation statement is idempotent on its own.
   */
  static final class H2 extends Dialect {

    @Override
    public String columnType(ColumnType type) {
      return switch (type) {
        case STRING -> "CHARACTER VARYING";
        case INTEGER -> "NUMERIC(100000)"; // any integer
        case DECIMAL -> "DECFLOAT"; // any precision and scale (NUMERIC defaults to scale 0)
        case BOOLEAN -> "BOOLEAN";
        case DATE -> "TIMESTAMP(0)"; // an Oracle DATE has a time
        case TIMESTAMP -> "TIMESTAMP(9)";
      };
    }

    @Override
    String positionType() {
      return "CHARACTER VARYING"; // H2 compares strings by code point unless a collation is set
    }

    @Override
    public int maxIdentifierBytes() {
      return 256; // H2's MAX_IDENTIFIER_LENGTH, in characters; stricter in bytes is fine
    }

    @Override
    String shareLock() {
      return "FOR UPDATE"; // H2 has no shared row locks
    }

    @Override
    void bindText(PreparedStatement ps, int index, String text) throws SQLException {
      ps.setString(index, text); // H2 converts to the column's type
    }

    @Override
    String upsert(String table, List<String> columns, List<String> keys) {
      return "MERGE INTO "
          + table
          + " ("
          + list(columns)
          + ") KEY ("
          + list(keys)
          + ") VALUES ("
          + columns.stream().map(c -> "?").collect(Collectors.joining(", "))
          + ")";
    }

    @Override
    SchemaGate schemaGate(String url) {
      return SchemaGate.of(url); // ADD COLUMN copies the table, losing concurrent writes
    }

    @Override
    String insertStateRowIfMissing(String stateTable) {
      return "INSERT INTO "
          + stateTable
          + " ("
          + STATE_COLUMNS
          + ")"
          + " SELECT CAST(?1 AS CHARACTER VARYING), CAST(?2 AS CHARACTER VARYING), 0,"
          + " CAST(?3 AS CHARACTER VARYING) WHERE NOT EXISTS (SELECT 1 FROM "
          + stateTable
          + " WHERE \"table_schema\" = ?1 AND \"table_name\" = ?2)";
    }

    @Override
    boolean storeIfNewer(
        Session session,
        String positions,
        List<String> keys,
        List<String> keyValues,
        long generation,
        String position,
        boolean deleted)
        throws SQLException {
      PreparedStatement select =
          session.prepare(
              "SELECT "
                  + Q_POSITION
                  + " FROM "
                  + positions
                  + " WHERE "
                  + keyMatch("", keys)
                  + " FOR UPDATE");
      bindAll(select, 1, keyValues);
      String stored;
      try (var rs = select.executeQuery()) {
        stored = rs.next() ? rs.getString(1) : null;
      }
      PreparedStatement write;
      if (stored == null) {
        write =
            session.prepare(
                "INSERT INTO "
                    + positions
                    + " ("
                    + list(keys)
                    + ", "
                    + Q_GENERATION
                    + ", "
                    + Q_POSITION
                    + ", "
                    + Q_DELETED
                    + ") VALUES ("
                    + "?, ".repeat(keys.size())
                    + "?, ?, ?)");
        int i = bindAll(write, 1, keyValues);
        write.setLong(i++, generation);
        write.setString(i++, position);
        write.setBoolean(i, deleted);
      } else if (stored.compareTo(position) < 0) {
        write =
            session.prepare(
                "UPDATE "
                    + positions
                    + " SET "
                    + Q_GENERATION
                    + " = ?, "
                    + Q_POSITION
                    + " = ?, "
                    + Q_DELETED
                    + " = ? WHERE "
                    + keyMatch("", keys));
        write.setLong(1, generation);
        write.setString(2, position);
        write.setBoolean(3, deleted);
        bindAll(write, 4, keyValues);
      } else {
        return false;
      }
      return write.executeUpdate() > 0;
    }

    private int bindAll(PreparedStatement ps, int from, List<String> values) throws SQLException {
      int i = from;
      for (String v : values) {
        bindText(ps, i++, v);
      }
      return i;
    }

    @Override
    String addPrimaryKey(String table, String constraint, List<String> keys) {
      return "ALTER TABLE "
          + table
          + " ADD CONSTRAINT IF NOT EXISTS "
          + quote(constraint)
          + " PRIMARY KEY ("
          + list(keys)
          + ")";
    }
  }
}
