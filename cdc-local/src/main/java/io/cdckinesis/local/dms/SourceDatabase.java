package io.cdckinesis.local.dms;

import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A simulated source database: a few tables of realistic shapes (accents and CJK text, commas,
 * quotes and line breaks inside values, NULLs and empty strings, decimals, booleans, timestamps,
 * single and composite keys), filled with initial rows and then changed by a seeded stream of
 * inserts, updates and deletes. Deterministic for a given seed.
 *
 * <p>The customers tables' {@code notes} is a LOB column (as an Oracle CLOB): an UPDATE that leaves
 * it alone does not carry it ({@link SourceChange#unsupplied()}). Columns can be added ({@link
 * #addColumn}) and tables truncated ({@link #truncate}) as DDL at the source would.
 */
public final class SourceDatabase {

  private static final String[] NAMES = {
    "Ann",
    "Zoë",
    "José",
    "Ñandú S.A.",
    "Smith, Jones & Co.",
    "北京贸易",
    "O'Brien",
    "Müller",
    "\"Quoted\" Ltd",
    "Åsa",
    "Łukasz",
    "Renée"
  };
  private static final String[] CITIES = {"Nantes", "Boston", "São Paulo", "Zürich", "東京", "Oslo"};
  private static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "CANCELLED"};
  private static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};

  /** The LOB column of the customers tables. */
  public static final String LOB_COLUMN = "notes";

  private final Random random;
  private final Map<TableId, SourceTable> tables = new LinkedHashMap<>();
  private final Map<TableId, Long> nextId = new LinkedHashMap<>();
  private LocalDateTime clock = LocalDateTime.of(2026, 11, 24, 8, 0, 0);

  public SourceDatabase(long seed, int tableCount) {
    this.random = new Random(seed);
    for (int i = 0; i < tableCount; i++) {
      TableDefinition d = shape(i);
      tables.put(
          d.id(),
          new SourceTable(d, d.columns().contains(LOB_COLUMN) ? Set.of(LOB_COLUMN) : Set.of()));
      nextId.put(d.id(), 1L);
    }
  }

  public Map<TableId, SourceTable> tables() {
    return tables;
  }

  public TableDefinitions definitions() {
    List<TableDefinition> defs = new ArrayList<>();
    tables.values().forEach(t -> defs.add(t.definition()));
    return TableDefinitions.of(defs);
  }

  /** Fills every table with {@code rows} initial rows (the state the full load copies). */
  public void populate(int rows) {
    for (SourceTable t : tables.values()) {
      for (int i = 0; i < rows; i++) {
        t.put(newRow(t));
      }
    }
  }

  /** Empties a table, as {@code TRUNCATE TABLE} does; new rows take new keys (identities go on). */
  public void truncate(TableId table) {
    SourceTable t = tables.get(table);
    if (t == null) {
      throw new IllegalArgumentException("no table " + table);
    }
    t.clear();
  }

  /**
   * {@code ALTER TABLE ... ADD COLUMN}: existing rows hold NULL in it, new rows and updates give it
   * values. The columns this database can fill: {@code loyalty_tier} (a string).
   *
   * @throws IllegalArgumentException for an unknown table, a column it has, or one it cannot fill
   */
  public void addColumn(TableId table, String column, ColumnType type) {
    SourceTable t = tables.get(table);
    if (t == null) {
      throw new IllegalArgumentException("no table " + table);
    }
    if (!column.equals("loyalty_tier")) {
      throw new IllegalArgumentException("no values for a column named " + column);
    }
    t.addColumn(column, type);
  }

  /** Applies {@code count} random changes and returns them in commit order. */
  public List<SourceChange> change(int count) {
    return change(count, null);
  }

  /**
   * Applies {@code count} random changes to one table ({@code null}: to random tables) and returns
   * them in commit order.
   */
  public List<SourceChange> change(int count, TableId table) {
    if (table != null && !tables.containsKey(table)) {
      throw new IllegalArgumentException("no table " + table);
    }
    List<SourceChange> changes = new ArrayList<>(count);
    List<SourceTable> all = new ArrayList<>(tables.values());
    for (int i = 0; i < count; i++) {
      clock = clock.plusNanos((1 + random.nextInt(400)) * 1_000_000L);
      SourceTable t = table != null ? tables.get(table) : all.get(random.nextInt(all.size()));
      int dice = random.nextInt(100);
      if (t.rows().isEmpty() || dice < 30) {
        List<Object> row = newRow(t);
        t.put(row);
        changes.add(new SourceChange(Operation.INSERT, t.id(), row, clock));
      } else if (dice < 85) {
        List<Object> before = pick(t);
        List<Object> after = mutate(t, before);
        t.put(after);
        changes.add(
            new SourceChange(
                Operation.UPDATE, t.id(), after, clock, untouchedLobs(t, before, after)));
      } else {
        List<Object> before = pick(t);
        t.remove(t.keyOf(before));
        changes.add(new SourceChange(Operation.DELETE, t.id(), before, clock));
      }
    }
    return changes;
  }

  /** LOB columns the update left alone: the source's log does not carry them. */
  private static Set<String> untouchedLobs(SourceTable t, List<Object> before, List<Object> after) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (String c : t.lobColumns()) {
      int i = t.columns().indexOf(c);
      if (java.util.Objects.equals(before.get(i), after.get(i))) {
        out.add(c);
      }
    }
    return out;
  }

  private List<Object> pick(SourceTable t) {
    // Favour recent keys a little, so that one key often changes several times in a row.
    List<List<Object>> keys = new ArrayList<>(t.rows().keySet());
    int i =
        random.nextInt(3) == 0
            ? keys.size() - 1 - random.nextInt(Math.min(5, keys.size()))
            : random.nextInt(keys.size());
    return t.get(keys.get(i));
  }

  private static TableDefinition shape(int i) {
    String suffix = i < 3 ? "" : "_" + (i + 1);
    return switch (i % 3) {
      case 0 ->
          TableDefinition.builder("dbo", "customers" + suffix)
              .column("id", ColumnType.INTEGER)
              .column("name", ColumnType.STRING)
              .column("email", ColumnType.STRING)
              .column("city", ColumnType.STRING)
              .column("notes", ColumnType.STRING)
              .column("credit_limit", ColumnType.DECIMAL)
              .column("active", ColumnType.BOOLEAN)
              .column("updated_at", ColumnType.TIMESTAMP)
              .primaryKey("id")
              .build();
      case 1 ->
          TableDefinition.builder("sales", "orders" + suffix)
              .column("order_id", ColumnType.INTEGER)
              .column("customer_id", ColumnType.INTEGER)
              .column("status", ColumnType.STRING)
              .column("amount", ColumnType.DECIMAL)
              .column("comment", ColumnType.STRING)
              .column("placed_at", ColumnType.TIMESTAMP)
              .primaryKey("order_id")
              .build();
      default ->
          TableDefinition.builder("inventory", "stock" + suffix)
              .column("region", ColumnType.STRING)
              .column("sku", ColumnType.INTEGER)
              .column("title", ColumnType.STRING)
              .column("price", ColumnType.DECIMAL)
              .column("quantity", ColumnType.INTEGER)
              .column("discontinued", ColumnType.BOOLEAN)
              .primaryKey("region", "sku")
              .build();
    };
  }

  private List<Object> newRow(SourceTable t) {
    long id = nextId.merge(t.id(), 1L, Long::sum) - 1;
    List<Object> row = new ArrayList<>();
    for (int c = 0; c < t.columns().size(); c++) {
      row.add(value(t, c, id));
    }
    return row;
  }

  private List<Object> mutate(SourceTable t, List<Object> before) {
    List<Object> after = new ArrayList<>(before);
    int changes = 1 + random.nextInt(2);
    for (int n = 0; n < changes; n++) {
      int c = random.nextInt(t.columns().size());
      if (!t.definition().primaryKey().contains(t.columns().get(c))) {
        after.set(c, value(t, c, -1));
      }
    }
    return after;
  }

  /** A value for column {@code c}; {@code id} is the new row's number, or -1 for an update. */
  private Object value(SourceTable t, int c, long id) {
    String col = t.columns().get(c);
    return switch (col) {
      case "id", "order_id" -> id;
      case "sku" -> id;
      case "region" -> id >= 0 ? (id % 2 == 0 ? "EU" : "US") : "EU";
      case "customer_id" -> 1L + random.nextInt(1000);
      case "name", "title" -> NAMES[random.nextInt(NAMES.length)] + " " + random.nextInt(1000);
      case "email" -> nullOrEmptyOr(() -> "user" + random.nextInt(100000) + "@example.com");
      case "city" -> CITIES[random.nextInt(CITIES.length)];
      case "notes", "comment" -> nullOrEmptyOr(this::note);
      case "status" -> STATUSES[random.nextInt(STATUSES.length)];
      case "loyalty_tier" -> TIERS[random.nextInt(TIERS.length)];
      case "credit_limit", "amount" -> BigDecimal.valueOf(random.nextInt(10_000_000), 2);
      case "price" -> BigDecimal.valueOf(random.nextInt(1_000_000), 3);
      case "quantity" -> (long) random.nextInt(10_000);
      case "active", "discontinued" -> random.nextBoolean();
      case "updated_at", "placed_at" ->
          clock.minusSeconds(random.nextInt(86_400)).withNano(random.nextInt(1000) * 1_000_000);
      default -> throw new IllegalStateException("no generator for column " + col);
    };
  }

  private String note() {
    return switch (random.nextInt(5)) {
      case 0 -> "call back, then \"confirm\"";
      case 1 -> "line one\nline two, with a comma";
      case 2 -> "prefers 日本語 support";
      case 3 -> "  padded  ";
      default -> "ok";
    };
  }

  private Object nullOrEmptyOr(java.util.function.Supplier<String> value) {
    int dice = random.nextInt(10);
    return dice == 0 ? null : dice == 1 ? "" : value.get();
  }
}
