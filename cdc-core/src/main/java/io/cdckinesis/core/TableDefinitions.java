package io.cdckinesis.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.core.internal.ConfigFileProblems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The table definitions a pipeline knows, by {@link TableId}. Lookups are exact first, then
 * case-insensitive, because DMS folder names keep the source database's case while configuration is
 * often typed by hand.
 *
 * <p>The JSON form maps {@code "schema.table"} to an object with {@code columns} (optional when DMS
 * writes a header), {@code primaryKey}, optional {@code types} (column name to SQL type name, see
 * {@link ColumnType#fromSqlType}) and, for files without a header whose table's columns changed,
 * optional {@code columnVersions} (the columns of change files from a file's time on):
 *
 * <pre>{@code
 * {"dbo.Customer": {"columns": ["id", "name"], "primaryKey": ["id"],
 *                   "types": {"id": "INT", "name": "VARCHAR(50)"},
 *                   "columnVersions": [{"from": "20240301-120000000",
 *                                       "columns": ["id", "name", "email"]}]}}
 * }</pre>
 */
public final class TableDefinitions {

  private static final TableDefinitions EMPTY = new TableDefinitions(List.of());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<TableId, TableDefinition> exact = new LinkedHashMap<>();
  private final Map<String, TableDefinition> folded = new LinkedHashMap<>();

  private TableDefinitions(Collection<TableDefinition> definitions) {
    for (TableDefinition d : definitions) {
      if (exact.put(d.id(), d) != null) {
        throw new ConfigurationException("table " + d.id() + " is defined twice");
      }
      folded.putIfAbsent(fold(d.id()), d);
    }
  }

  public static TableDefinitions empty() {
    return EMPTY;
  }

  public static TableDefinitions of(TableDefinition... definitions) {
    return new TableDefinitions(List.of(definitions));
  }

  public static TableDefinitions of(Collection<TableDefinition> definitions) {
    return new TableDefinitions(definitions);
  }

  /**
   * Reads the JSON form from a file.
   *
   * @throws ConfigurationException naming the file when it cannot be read or is malformed
   */
  public static TableDefinitions fromJson(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return fromJson(in, file.toString());
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read table definitions " + file + ": " + ConfigFileProblems.unreadable(e), e);
    }
  }

  /**
   * Reads the JSON form.
   *
   * @param source names the input in error messages
   * @throws ConfigurationException when the JSON is malformed
   */
  public static TableDefinitions fromJson(InputStream in, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new ConfigurationException(
          "table definitions "
              + source
              + " are not valid JSON: "
              + ConfigFileProblems.invalidJson(e),
          e);
    }
    return fromJson(root, source);
  }

  /** Reads the JSON form from a string (for example an environment variable). */
  public static TableDefinitions fromJson(String json, String source) {
    try {
      return fromJson(JSON.readTree(json), source);
    } catch (IOException e) {
      throw new ConfigurationException(
          "table definitions "
              + source
              + " are not valid JSON: "
              + ConfigFileProblems.invalidJson(e),
          e);
    }
  }

  private static TableDefinitions fromJson(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new ConfigurationException(
          "table definitions " + source + ": expected an object of \"schema.table\" entries");
    }
    List<TableDefinition> result = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String where = source + " " + entry.getKey();
      try {
        JsonNode body = entry.getValue();
        if (!body.isObject() || entry.getKey().indexOf('.') < 0) {
          throw new ConfigurationException(notATable(source, entry.getKey()));
        }
        TableDefinition.Builder b = TableDefinition.builder(TableId.parse(entry.getKey()));
        b.columns(strings(body.get("columns"), where + ".columns"));
        b.primaryKey(strings(body.get("primaryKey"), where + ".primaryKey"));
        JsonNode types = body.get("types");
        if (types != null && !types.isNull()) {
          if (!types.isObject()) {
            throw new ConfigurationException(where + ".types: expected an object");
          }
          types
              .fields()
              .forEachRemaining(
                  t -> b.type(t.getKey(), ColumnType.fromSqlType(t.getValue().asText())));
        }
        JsonNode versions = body.get("columnVersions");
        if (versions != null && !versions.isNull()) {
          if (!versions.isArray()) {
            throw new ConfigurationException(
                where
                    + ".columnVersions: expected an array of {\"from\": ..., \"columns\": [...]}");
          }
          for (JsonNode v : versions) {
            JsonNode from = v.get("from");
            if (!v.isObject() || from == null || !from.isTextual()) {
              throw new ConfigurationException(
                  where
                      + ".columnVersions: each needs \"from\" (a change file time) and \"columns\"");
            }
            b.columnsFrom(
                from.asText(), strings(v.get("columns"), where + ".columnVersions.columns"));
          }
        }
        result.add(b.build());
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(where + ": " + e.getMessage(), e);
      }
    }
    return new TableDefinitions(result);
  }

  /** An entry that is no table: say so, and recognise endpoint settings given by mistake. */
  private static String notATable(String source, String key) {
    String message =
        "table definitions " + source + ": \"" + key + "\" is not a \"schema.table\" entry";
    boolean settings =
        key.equalsIgnoreCase("Endpoints")
            || key.equalsIgnoreCase("Endpoint")
            || key.equalsIgnoreCase("S3Settings")
            || DmsCsvSettings.isSettingName(key);
    return settings
        ? message
            + ": these are DMS endpoint settings, not table definitions; give them as the"
            + " settings"
        : message + " with an object of columns, primaryKey and types";
  }

  private static List<String> strings(JsonNode node, String where) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new ConfigurationException(where + ": expected an array of strings");
    }
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new ConfigurationException(where + ": expected an array of strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  /** The definition of a table, matched exactly or else case-insensitively. */
  public Optional<TableDefinition> find(TableId id) {
    TableDefinition d = exact.get(id);
    return Optional.ofNullable(d != null ? d : folded.get(fold(id)));
  }

  public Optional<TableDefinition> find(String schema, String table) {
    return find(TableId.of(schema, table));
  }

  public Collection<TableDefinition> all() {
    return List.copyOf(exact.values());
  }

  public boolean isEmpty() {
    return exact.isEmpty();
  }

  private static String fold(TableId id) {
    return id.toString().toLowerCase(Locale.ROOT);
  }
}
