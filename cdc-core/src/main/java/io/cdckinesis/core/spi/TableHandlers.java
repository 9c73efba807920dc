package io.cdckinesis.core.spi;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.TableId;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The table handlers of a consumer, by table, with a default for tables nobody registered. Lookups
 * are exact, then case-insensitive (DMS keeps the source's case in names).
 */
public final class TableHandlers {

  private final Map<TableId, TableHandler> byTable;
  private final Map<String, TableHandler> byFoldedName;
  private final TableHandler defaultHandler;

  private TableHandlers(Builder b) {
    this.byTable = Map.copyOf(b.byTable);
    this.defaultHandler = b.defaultHandler;
    Map<String, TableHandler> folded = new LinkedHashMap<>();
    b.byTable.forEach((id, h) -> folded.putIfAbsent(fold(id), h));
    this.byFoldedName = Map.copyOf(folded);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The handler for a table: the registered one, else the default. */
  public TableHandler forTable(TableId table) {
    TableHandler h = byTable.get(table);
    if (h == null) {
      h = byFoldedName.get(fold(table));
    }
    return h != null ? h : defaultHandler;
  }

  /** Whether a handler was registered for the table (not just the default). */
  public boolean isRegistered(TableId table) {
    return byTable.containsKey(table) || byFoldedName.containsKey(fold(table));
  }

  private static String fold(TableId id) {
    return id.toString().toLowerCase(Locale.ROOT);
  }

  /** Builds {@link TableHandlers}; the default handler defaults to {@link LoggingTableHandler}. */
  public static final class Builder {
    private final Map<TableId, TableHandler> byTable = new LinkedHashMap<>();
    private TableHandler defaultHandler = new LoggingTableHandler();

    private Builder() {}

    public Builder register(TableId table, TableHandler handler) {
      byTable.put(
          Objects.requireNonNull(table, "table"), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** Registers a handler for {@code schema.table}. */
    public Builder register(String qualifiedTable, TableHandler handler) {
      return register(TableId.parse(qualifiedTable), handler);
    }

    public Builder defaultHandler(TableHandler handler) {
      this.defaultHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Registers handlers named in configuration: {@code schema.table=com.example.Handler,...} (each
     * class needs a public no-argument constructor).
     *
     * @throws ConfigurationException naming the entry when it is malformed or the class cannot be
     *     instantiated
     */
    public Builder registerFromSpec(String spec) {
      if (spec == null || spec.isBlank()) {
        return this;
      }
      for (String entry : spec.split(",")) {
        String e = entry.trim();
        if (e.isEmpty()) {
          continue;
        }
        int eq = e.indexOf('=');
        if (eq <= 0 || eq == e.length() - 1) {
          throw new ConfigurationException(
              "table handler entry '" + e + "' is not schema.table=fully.qualified.ClassName");
        }
        TableId table;
        try {
          table = TableId.parse(e.substring(0, eq).trim());
        } catch (IllegalArgumentException ex) {
          throw new ConfigurationException("table handler entry '" + e + "': " + ex.getMessage());
        }
        register(table, instantiate(e.substring(eq + 1).trim()));
      }
      return this;
    }

    public TableHandlers build() {
      return new TableHandlers(this);
    }
  }

  /**
   * Creates a handler from its class name.
   *
   * @throws ConfigurationException when the class is missing, not a TableHandler, or has no public
   *     no-argument constructor
   */
  public static TableHandler instantiate(String className) {
    try {
      Class<?> type = Class.forName(className, true, TableHandlers.class.getClassLoader());
      if (!TableHandler.class.isAssignableFrom(type)) {
        throw new ConfigurationException(
            className + " does not extend " + TableHandler.class.getName());
      }
      return (TableHandler) type.getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new ConfigurationException("table handler class " + className + " not found", e);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new ConfigurationException(
          "table handler " + className + " needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new ConfigurationException(
          "table handler " + className + " failed in its constructor: " + e.getCause(), e);
    }
  }
}
