package io.cdckinesis.jdbc.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads table shapes from {@link DatabaseMetaData}. Its lookups take LIKE patterns, so names are
 * escaped and the results filtered to exact matches ({@code My_T} must not find {@code MyxT}).
 */
final class Metadata {

  private Metadata() {}

  /** The columns of a table in their order; empty when the table does not exist. */
  static List<String> columns(Connection c, String schema, String table) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String esc = md.getSearchStringEscape();
    Map<Integer, String> byPosition = new TreeMap<>();
    try (ResultSet rs = md.getColumns(null, pattern(schema, esc), pattern(table, esc), "%")) {
      while (rs.next()) {
        if (schema.equals(rs.getString("TABLE_SCHEM"))
            && table.equals(rs.getString("TABLE_NAME"))) {
          byPosition.put(rs.getInt("ORDINAL_POSITION"), rs.getString("COLUMN_NAME"));
        }
      }
    }
    return new ArrayList<>(byPosition.values());
  }

  /** The primary-key columns of a table in key order; empty when it has none. */
  static List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
    Map<Integer, String> bySeq = new TreeMap<>();
    try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, schema, table)) {
      while (rs.next()) {
        bySeq.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    return new ArrayList<>(bySeq.values());
  }

  static boolean schemaExists(Connection c, String schema) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getSchemas(null, pattern(schema, md.getSearchStringEscape()))) {
      while (rs.next()) {
        if (schema.equals(rs.getString("TABLE_SCHEM"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String pattern(String name, String escape) {
    if (escape == null || escape.isEmpty()) {
      return name; // filtered to exact matches by the caller
    }
    StringBuilder b = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch == '_' || ch == '%' || escape.indexOf(ch) >= 0) {
        b.append(escape);
      }
      b.append(ch);
    }
    return b.toString();
  }
}
