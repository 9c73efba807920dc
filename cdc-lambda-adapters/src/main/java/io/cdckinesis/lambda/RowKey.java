package io.cdckinesis.lambda;

import io.cdckinesis.core.ChangeRecord;
import java.util.List;

/**
 * The identity of a source row, used to deduplicate changes: {@code schema.table} followed by the
 * primary-key values, each escaped so that no two different keys give the same string. Tables
 * without a known key are identified by {@code schema.table} alone (their changes are then ordered
 * and deduplicated per table).
 */
public final class RowKey {

  private RowKey() {}

  public static String of(ChangeRecord record) {
    StringBuilder sb = new StringBuilder(64);
    escape(sb, record.schema());
    sb.append('.');
    escape(sb, record.table());
    List<Object> values = record.keyValues();
    for (Object v : values) {
      sb.append('|');
      if (v == null) {
        sb.append("\\0");
      } else {
        escape(sb, v.toString());
      }
    }
    return sb.toString();
  }

  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '|' || c == '.' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
  }
}
