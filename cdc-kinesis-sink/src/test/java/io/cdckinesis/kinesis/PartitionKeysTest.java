package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionKeysTest {

  private static ChangeRecord row(String schema, String table, List<String> key, Object... kv) {
    ChangeRecord.Builder b =
        ChangeRecord.builder()
            .operation(Operation.INSERT)
            .table(schema, table)
            .position("s3://b/k.csv", 1, 1)
            .primaryKey(key);
    for (int i = 0; i < kv.length; i += 2) {
      b.value((String) kv[i], kv[i + 1]);
    }
    return b.build();
  }

  @Test
  void isSchemaTableAndKeyValuesInKeyOrder() {
    assertThat(PartitionKeys.of(row("dbo", "Customer", List.of("id"), "id", 7L, "name", "Ann")))
        .isEqualTo("dbo.Customer|7");
    assertThat(
            PartitionKeys.of(
                row("sales", "Line", List.of("order", "line"), "line", 3L, "order", "A-1")))
        .isEqualTo("sales.Line|A-1|3");
  }

  @Test
  void withoutAKeyIsTheTable() {
    assertThat(PartitionKeys.of(row("dbo", "Log", List.of(), "msg", "x"))).isEqualTo("dbo.Log");
  }

  @Test
  void escapesSeparatorsSoDifferentRowsNeverShareAKey() {
    assertThat(PartitionKeys.of(row("a.b", "c", List.of("k"), "k", "x|y")))
        .isEqualTo("a\\.b.c|x\\|y");
    assertThat(PartitionKeys.of(row("a", "b.c", List.of("k"), "k", "x"))).isEqualTo("a.b\\.c|x");
    assertThat(PartitionKeys.of(row("s", "t", List.of("k"), "k", null))).isEqualTo("s.t|\\N");
    assertThat(PartitionKeys.of(row("s", "t", List.of("k"), "k", "\\N"))).isEqualTo("s.t|\\\\N");

    Set<String> keys = new HashSet<>();
    String[][] tricky = {
      {"a|b", "c"},
      {"a", "b|c"},
      {"a\\", "|c"},
      {"a\\|", "c"},
      {"a", "b\\|c"},
      {"", "a|b|c"},
      {"a|b|c", ""},
      {"\\", "\\"},
      {"\\\\", ""},
      {"", "\\\\"}
    };
    for (String[] t : tricky) {
      keys.add(PartitionKeys.of(row("s", "t", List.of("k1", "k2"), "k1", t[0], "k2", t[1])));
    }
    assertThat(keys).hasSize(tricky.length);
  }

  @Test
  void rendersValuesAsTheEnvelopeDoes() {
    assertThat(
            PartitionKeys.of(
                row(
                    "s",
                    "t",
                    List.of("d", "ts", "b"),
                    "d",
                    new BigDecimal("1E+3"),
                    "ts",
                    LocalDateTime.of(2026, 1, 2, 3, 4),
                    "b",
                    true)))
        .isEqualTo("s.t|1000|2026-01-02T03:04:00|true");
  }

  @Test
  void aKeyOverTwoHundredFiftySixCharactersIsHashedRecognisably() {
    String longValue = "v".repeat(300);
    String key = PartitionKeys.of(row("dbo", "Doc", List.of("id"), "id", longValue));
    assertThat(key).hasSize("dbo.Doc".length() + 2 + 64);
    assertThat(key).startsWith("dbo.Doc\\#").matches("dbo\\.Doc\\\\#[0-9a-f]{64}");
    assertThat(key.length()).isLessThanOrEqualTo(PartitionKeys.MAX_LENGTH);
    // deterministic, and different values hash differently
    assertThat(PartitionKeys.of(row("dbo", "Doc", List.of("id"), "id", longValue))).isEqualTo(key);
    assertThat(PartitionKeys.of(row("dbo", "Doc", List.of("id"), "id", longValue + "x")))
        .isNotEqualTo(key);
    // exactly 256 stays as it is
    String fits = "w".repeat(256 - "dbo.Doc|".length());
    assertThat(PartitionKeys.of(row("dbo", "Doc", List.of("id"), "id", fits)))
        .isEqualTo("dbo.Doc|" + fits);
  }

  @Test
  void aHashedKeyOfAVeryLongTableNameIsCutWithoutSplittingCharacters() {
    String table = "\uD83D\uDE00".repeat(150); // 300 UTF-16 units
    String key = PartitionKeys.of(row("s", table, List.of()));
    assertThat(key.length()).isLessThanOrEqualTo(256);
    assertThat(key).endsWith(key.substring(key.length() - 64)).contains("\\#");
    int markAt = key.indexOf("\\#");
    assertThat(Character.isHighSurrogate(key.charAt(markAt - 1))).isFalse();
  }
}
