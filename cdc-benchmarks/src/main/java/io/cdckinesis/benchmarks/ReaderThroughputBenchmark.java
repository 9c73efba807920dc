package io.cdckinesis.benchmarks;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.testing.DmsCsvGenerator;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The DMS CSV reader against univocity's raw parse of the same generated file, in one run: (a)
 * univocity alone, fields consumed; (b) our reader to change records; (c) records encoded as
 * envelopes. One operation reads the whole file; {@link ReaderBenchmarks} turns times into MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReaderThroughputBenchmark {

  /** Size of the generated CSV. */
  @Param("64")
  public int megabytes;

  private byte[] csv;
  private DmsCsvReader reader;
  private DmsObjectKey key;
  private final EnvelopeCodec codec = EnvelopeCodec.create();

  @Setup
  public void setup() {
    csv = generate(megabytes);
    reader =
        DmsCsvReader.builder()
            .settings(DmsCsvGenerator.settings())
            .tables(DmsCsvGenerator.tables())
            .build();
    key = DmsObjectKey.parse("app/customers/20240809-192717787.csv", DmsCsvGenerator.settings());
  }

  /** The benchmark's input for a size; the same bytes in every fork and in the report. */
  public static byte[] generate(int megabytes) {
    return DmsCsvGenerator.generate(42, megabytes * 1_000_000);
  }

  /** univocity with the reader's format settings: the cost of splitting rows and fields. */
  static CsvParserSettings rawSettings() {
    CsvParserSettings s = new CsvParserSettings();
    s.getFormat().setLineSeparator("\n");
    s.getFormat().setComment('\0');
    s.setCommentProcessingEnabled(false);
    s.setReadInputOnSeparateThread(false);
    s.setInputBufferSize(64 * 1024);
    s.setMaxCharsPerColumn(-1);
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setNormalizeLineEndingsWithinQuotes(false);
    s.setSkipEmptyLines(false);
    s.setEmptyValue("");
    return s;
  }

  @Benchmark
  public long univocityRaw(Blackhole bh) {
    CsvParser parser = new CsvParser(rawSettings());
    parser.beginParsing(
        new InputStreamReader(new ByteArrayInputStream(csv), StandardCharsets.UTF_8));
    long rows = 0;
    for (String[] row; (row = parser.parseNext()) != null; ) {
      for (String field : row) {
        bh.consume(field);
      }
      rows++;
    }
    return rows;
  }

  @Benchmark
  public long readerRecords(Blackhole bh) {
    long rows = 0;
    try (DmsFileReader file = reader.open("s3://b/k", key, new ByteArrayInputStream(csv))) {
      for (ChangeRecord r; (r = file.read()) != null; ) {
        bh.consume(r);
        rows++;
      }
    }
    return rows;
  }

  @Benchmark
  public long readerEnvelopes(Blackhole bh) {
    long bytes = 0;
    try (DmsFileReader file = reader.open("s3://b/k", key, new ByteArrayInputStream(csv))) {
      for (ChangeRecord r; (r = file.read()) != null; ) {
        byte[] envelope = codec.encode(r);
        bh.consume(envelope);
        bytes += envelope.length;
      }
    }
    return bytes;
  }
}
