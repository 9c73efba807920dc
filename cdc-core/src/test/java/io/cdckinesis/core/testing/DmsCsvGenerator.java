package io.cdckinesis.core.testing;

import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableDefinitions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Generates a DMS CDC file of a realistic shape for benchmarks and size tests: a header ({@code
 * AddColumnName=true}) with {@code Op} and a {@code changed_at} timestamp column, then 14 data
 * columns, some quoted with commas, some spanning lines, some with doubled quotes, some with
 * accents and CJK text, some NULL. Deterministic for a given seed.
 */
public final class DmsCsvGenerator {

  public static final String TIMESTAMP_COLUMN = "changed_at";

  public static final String HEADER =
      "Op,changed_at,id,first_name,last_name,email,phone,street,city,country,note,amount,"
          + "created,status,code,active\n";

  private static final String[] FIRST = {"Ann", "Zoë", "José", "Björn", "Li", "Ngozi", "Marta"};
  private static final String[] LAST = {"Smith", "Núñez", "O'Brien", "Müller", "王", "Okafor"};
  private static final String[] CITY = {"Lisboa", "Köln", "Zürich", "北京", "Québec", "Oslo"};
  private static final String[] COUNTRY = {"Portugal", "Germany", "Switzerland", "China"};
  private static final String[] STATUS = {"NEW", "ACTIVE", "SUSPENDED", "CLOSED"};
  private static final char[] OPS = {'I', 'U', 'U', 'U', 'D'};

  private final SplittableRandom random;
  private long id;

  public DmsCsvGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The endpoint settings the file is written with. */
  public static DmsCsvSettings settings() {
    return DmsCsvSettings.builder()
        .addColumnName(true)
        .timestampColumnName(TIMESTAMP_COLUMN)
        .build();
  }

  /** The table's definition: the primary key (columns come from the header). */
  public static TableDefinitions tables() {
    return TableDefinitions.of(
        TableDefinition.builder("app", "customers").primaryKey("id").build());
  }

  /** A file of about {@code bytes} bytes (whole rows), in memory. */
  public static byte[] generate(long seed, int bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 4096);
    new DmsCsvGenerator(seed).write(out, bytes);
    return out.toByteArray();
  }

  /**
   * Writes the header and whole rows until at least {@code bytes} bytes are written.
   *
   * @return the number of rows
   */
  public long write(OutputStream out, long bytes) {
    try {
      byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
      out.write(header);
      long written = header.length;
      long rows = 0;
      StringBuilder row = new StringBuilder(512);
      while (written < bytes) {
        row.setLength(0);
        appendRow(row);
        byte[] b = row.toString().getBytes(StandardCharsets.UTF_8);
        out.write(b);
        written += b.length;
        rows++;
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void appendRow(StringBuilder r) {
    id++;
    r.append(OPS[random.nextInt(OPS.length)]).append(',');
    r.append("2024-08-09 19:")
        .append(10 + random.nextInt(50))
        .append(':')
        .append(10 + random.nextInt(50))
        .append('.')
        .append(100000 + random.nextInt(900000))
        .append(',');
    r.append(id).append(',');
    String first = pick(FIRST);
    String last = pick(LAST);
    r.append(first).append(',').append(last).append(',');
    r.append(first.toLowerCase()).append('.').append(id).append("@example.com,");
    if (random.nextInt(4) == 0) {
      r.append(','); // NULL phone
    } else {
      r.append("+351 21 ").append(1000000 + random.nextInt(9000000)).append(',');
    }
    r.append('"')
        .append(random.nextInt(999) + 1)
        .append(", Rua da Prata, ")
        .append(random.nextInt(9) + 1)
        .append("º\",");
    r.append(pick(CITY)).append(',').append(pick(COUNTRY)).append(',');
    switch (random.nextInt(6)) {
      case 0 -> r.append("\"first line\nsecond line, with a comma\",");
      case 1 -> r.append("\"she said \"\"hi\"\" — twice\",");
      case 2 -> r.append("\"\",");
      case 3 -> r.append(',');
      default -> r.append("regular customer since ").append(2000 + random.nextInt(24)).append(',');
    }
    r.append(random.nextInt(100000)).append('.').append(10 + random.nextInt(90)).append(',');
    r.append("2019-0")
        .append(1 + random.nextInt(9))
        .append("-1")
        .append(random.nextInt(10))
        .append(" 08:30:00,");
    r.append(pick(STATUS)).append(',');
    r.append("C").append(Long.toHexString(id * 2654435761L)).append(',');
    r.append(random.nextBoolean() ? '1' : '0').append('\n');
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }
}
