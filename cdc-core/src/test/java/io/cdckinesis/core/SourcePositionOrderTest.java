package io.cdckinesis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The order one row's changes are compared in: generation, DMS file order, revision, row. */
class SourcePositionOrderTest {

  private static final String T = "s3://b/dbo/T/";

  private static SourcePosition at(String file, long generation, int revision, long row) {
    return new SourcePosition(new SourceFile(T + file, generation, revision, null), row, row + 1);
  }

  @Test
  void aReloadedFullLoadSupersedesEveryChangeOfTheEarlierGeneration() {
    SourcePosition change = at("20261124-081833995.csv", 1, 1, 500);
    SourcePosition reloaded = at("LOAD00000001.csv", 2, 1, 1);

    assertThat(reloaded).isGreaterThan(change);
    assertThat(at("LOAD00000001.csv", 1, 1, 1)).isLessThan(change); // same generation: DMS order
  }

  @Test
  void aRewrittenObjectsRowsSupersedeTheEarlierVersionsRows() {
    assertThat(at("20261124-081833995.csv", 3, 2, 1))
        .isGreaterThan(at("20261124-081833995.csv", 3, 1, 900));
  }

  @Test
  void theVersionIsInformationalAndTheLineIsNotCompared() {
    SourcePosition a = new SourcePosition(new SourceFile(T + "LOAD00000001.csv", 4, 1, "e1"), 7, 8);
    SourcePosition b = new SourcePosition(new SourceFile(T + "LOAD00000001.csv", 4, 1, "e2"), 7, 9);

    assertThat(a.compareTo(b)).isZero();
  }

  @Test
  void sortingAShuffledHistoryGivesTheOrderItWasWrittenIn() {
    List<SourcePosition> history =
        List.of(
            at("LOAD00000001.csv", 1, 1, 1),
            at("LOAD00000001.csv", 1, 1, 2),
            at("LOAD0000000A.csv", 1, 1, 1),
            at("20261124-081833995.csv", 1, 1, 1),
            at("20261124-081834001.csv", 1, 1, 1),
            at("20261124-081834001.csv", 1, 2, 1),
            at("LOAD00000001.csv", 2, 1, 1),
            at("20261124-091834001.csv", 2, 1, 1),
            at("20261124-091834001.csv", 2, 1, 7));
    List<SourcePosition> shuffled = new ArrayList<>(history);
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);

    assertThat(shuffled).containsExactlyElementsOf(history);
  }

  @Test
  void positionsWithoutAGenerationKeepTheirOldMeaning() {
    SourcePosition p = new SourcePosition(T + "20261124-081833995.csv", 3, 4);

    assertThat(p.generation()).isZero();
    assertThat(p.file().revision()).isEqualTo(1);
    assertThat(p.toString()).isEqualTo(T + "20261124-081833995.csv:4 (row 3)");
    assertThat(at("LOAD00000001.csv", 9, 2, 3).toString())
        .isEqualTo(T + "LOAD00000001.csv:4 (row 3, generation 9, revision 2)");
  }

  @Test
  void theSortKeyOrdersExactlyAsThePositionsDo() {
    Random random = new Random(11);
    String[] files = {
      "LOAD00000001.csv", "LOAD0000000A.csv", "LOAD00000001.csv.gz", "SEGMENT2_LOAD00000003.csv",
      "20261124-081833995.csv", "20261124-0818339951.csv", "20261124-081834.csv", "notes.txt",
      "CDC_TXN-20261124081833995.csv", "p2024/LOAD00000001.csv", "Zoë/20261124-081833995.csv"
    };
    List<SourcePosition> positions = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String uri = (random.nextBoolean() ? T : "s3://a/x/T/") + files[random.nextInt(files.length)];
      positions.add(
          new SourcePosition(
              new SourceFile(
                  uri, random.nextInt(3) * 1_764_000_000_000L, 1 + random.nextInt(3), null),
              1 + random.nextInt(12),
              1));
    }
    for (int i = 0; i + 1 < positions.size(); i++) {
      SourcePosition a = positions.get(i);
      SourcePosition b = positions.get(i + 1);
      assertThat(Integer.signum(a.sortKey().compareTo(b.sortKey())))
          .as("%s vs %s", a, b)
          .isEqualTo(Integer.signum(a.compareTo(b)));
    }
  }
}
