package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.ObjectMissingException;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.s3.testing.Bytes;
import io.cdckinesis.s3.testing.FaultInjector;
import io.cdckinesis.s3.testing.FaultInjector.SeenGet;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

class S3ObjectSourceIT {

  private static final String BUCKET = "source-it";
  private static LocalS3 s3;
  private static S3Client client;
  private static final FaultInjector faults = new FaultInjector();

  private final S3ObjectSource source =
      S3ObjectSource.builder()
          .client(client)
          .maxReopenAttempts(3)
          .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
          .build();

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket(BUCKET);
    client =
        s3.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(faults)).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    s3.close();
  }

  @BeforeEach
  void clearFaults() {
    faults.reset();
  }

  private static String put(String key, byte[] data) {
    return s3.client()
        .putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data))
        .eTag();
  }

  private static S3ObjectRef ref(String key) {
    return S3ObjectRef.of(BUCKET, key);
  }

  @Test
  void streamsAMultiMegabyteObjectWithoutFetchingItFirst() throws IOException {
    byte[] data = Bytes.random(24 << 20, 1);
    String eTag = put("big/whole.bin", data);

    try (S3ObjectStream in = source.open(ref("big/whole.bin"), 0)) {
      byte[] first = in.readNBytes(64 << 10);
      // Only what the caller asked for (plus transport buffers) has come over the connection.
      assertThat(faults.bodyBytesDelivered()).isLessThan(4L << 20);
      assertThat(first).isEqualTo(Arrays.copyOf(data, 64 << 10));
      assertThat(in.metadata().size()).isEqualTo(data.length);
      assertThat(in.metadata().eTag()).isEqualTo(eTag);
      assertThat(in.positioned()).isTrue();
      assertThat(in.startByte()).isZero();

      String rest = Bytes.sha256(in);
      assertThat(rest).isEqualTo(Bytes.sha256(Arrays.copyOfRange(data, 64 << 10, data.length)));
    }
    assertThat(faults.gets()).containsExactly(new SeenGet(null, null, null));
    assertThat(faults.checksumModes()).containsExactly("ENABLED");
  }

  @Test
  void resumesAnUncompressedObjectWithARangedGetPinnedToItsETag() throws IOException {
    byte[] data = Bytes.lines(50_000);
    String eTag = put("dbo/T/LOAD00000001.csv", data);
    int from = 300_001;

    try (S3ObjectStream in = source.open(ref("dbo/T/LOAD00000001.csv"), from)) {
      assertThat(in.positioned()).isTrue();
      assertThat(in.startByte()).isEqualTo(from);
      assertThat(in.metadata().size()).isEqualTo(data.length);
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, from, data.length));
    }
    assertThat(faults.gets())
        .containsExactly(
            new SeenGet("bytes=0-1", null, null), new SeenGet("bytes=" + from + "-", eTag, null));
    // Ranges carry no whole-object checksum.
    assertThat(faults.checksumModes()).containsOnlyNulls();
  }

  @Test
  void resumeChecksTheExpectedETag() throws IOException {
    byte[] data = Bytes.lines(1000);
    String eTag = put("dbo/T/20260102-030405123.csv", data);

    try (S3ObjectStream in =
        source.open(ref("dbo/T/20260102-030405123.csv"), 10, eTag.replace("\"", ""))) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 10, data.length));
    }
    assertThat(faults.gets()).allSatisfy(g -> assertThat(g.ifMatch()).isEqualTo(eTag));

    put("dbo/T/20260102-030405123.csv", Bytes.lines(1001));
    assertThatThrownBy(() -> source.open(ref("dbo/T/20260102-030405123.csv"), 10, eTag))
        .isInstanceOf(ObjectChangedException.class)
        .hasMessageContaining("s3://" + BUCKET + "/dbo/T/20260102-030405123.csv")
        .hasMessageContaining(eTag)
        .satisfies(e -> assertThat(((ObjectChangedException) e).isRetryable()).isFalse());
    assertThatThrownBy(() -> source.open(ref("dbo/T/20260102-030405123.csv"), 0, eTag))
        .isInstanceOf(ObjectChangedException.class);
  }

  @Test
  void resumingAtTheEndGivesAnEmptyStreamAndBeyondItFails() throws IOException {
    byte[] data = Bytes.lines(10);
    put("end.csv", data);

    try (S3ObjectStream in = source.open(ref("end.csv"), data.length)) {
      assertThat(in.positioned()).isTrue();
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> source.open(ref("end.csv"), data.length + 1))
        .isInstanceOf(S3ReadException.class)
        .hasMessageContaining("s3://" + BUCKET + "/end.csv")
        .hasMessageContaining("byte " + (data.length + 1))
        .satisfies(e -> assertThat(((S3ReadException) e).isRetryable()).isFalse());
  }

  @Test
  void aGzipObjectIsResumedFromByteZero() throws IOException {
    byte[] gz = Bytes.gzip(Bytes.lines(1000));
    put("dbo/T/20260102-030405123.csv.gz", gz);

    try (S3ObjectStream in = source.open(ref("dbo/T/20260102-030405123.csv.gz"), 5000)) {
      assertThat(in.positioned()).isFalse();
      assertThat(in.startByte()).isZero();
      assertThat(in.readAllBytes()).isEqualTo(gz);
    }
    assertThat(faults.gets()).containsExactly(new SeenGet(null, null, null));
  }

  @Test
  void gzipIsAlsoRecognisedByMagicBytesAndContentEncoding() throws IOException {
    byte[] gz = Bytes.gzip(Bytes.lines(1000));
    put("no-suffix.csv", gz);
    s3.client()
        .putObject(
            b -> b.bucket(BUCKET).key("encoded.csv").contentEncoding("gzip"),
            RequestBody.fromBytes(Bytes.lines(1000)));

    for (String key : new String[] {"no-suffix.csv", "encoded.csv"}) {
      faults.reset();
      try (S3ObjectStream in = source.open(ref(key), 100)) {
        assertThat(in.positioned()).as(key).isFalse();
        assertThat(in.startByte()).isZero();
      }
      assertThat(faults.gets()).as(key).hasSize(2);
      assertThat(faults.gets().get(1).range()).as(key).isNull();
      assertThat(faults.gets().get(1).ifMatch()).as(key).isNotNull();
    }
  }

  @Test
  void aBrokenConnectionIsResumedFromTheExactByteDelivered() throws IOException {
    byte[] data = Bytes.random(3 << 20, 2);
    String eTag = put("broken.bin", data);
    faults.breakNextBodiesAfter(1_000_000, 700_000);

    try (S3ObjectStream in = source.open(ref("broken.bin"), 0)) {
      assertThat(Bytes.sha256(in)).isEqualTo(Bytes.sha256(data));
    }
    assertThat(faults.gets())
        .containsExactly(
            new SeenGet(null, null, null),
            new SeenGet("bytes=1000000-", eTag, null),
            new SeenGet("bytes=1700000-", eTag, null));
  }

  @Test
  void aBrokenConnectionOfAResumedReadContinuesTheRange() throws IOException {
    byte[] data = Bytes.random(1 << 20, 3);
    String eTag = put("resumed-broken.bin", data);
    faults.breakNextBodiesAfter(Long.MAX_VALUE, 1000);

    try (S3ObjectStream in = source.open(ref("resumed-broken.bin"), 4096)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 4096, data.length));
    }
    assertThat(faults.gets())
        .extracting(SeenGet::range)
        .containsExactly("bytes=0-1", "bytes=4096-", "bytes=5096-");
    assertThat(faults.gets().get(2).ifMatch()).isEqualTo(eTag);
  }

  @Test
  void aBrokenGzipObjectIsResumedAtTheByteLevelSoTheDecompressorSeesOneStream() throws IOException {
    byte[] text = Bytes.lines(200_000);
    byte[] gz = Bytes.gzip(text);
    assertThat(gz.length).isGreaterThan(200_000);
    String eTag = put("dbo/T/20260102-030405123.csv.gz", gz);
    faults.breakNextBodiesAfter(100_000);

    try (S3ObjectStream in = source.open(ref("dbo/T/20260102-030405123.csv.gz"), 0);
        InputStream unzipped = new GZIPInputStream(in)) {
      assertThat(Bytes.sha256(unzipped)).isEqualTo(Bytes.sha256(text));
    }
    assertThat(faults.gets())
        .containsExactly(new SeenGet(null, null, null), new SeenGet("bytes=100000-", eTag, null));
  }

  @Test
  void givesUpAfterTheConfiguredReopensWithARetryableError() throws IOException {
    byte[] data = Bytes.random(100_000, 4);
    put("hopeless.bin", data);
    faults.breakNextBodiesAfter(50_000, 0, 0, 0, 0);

    try (S3ObjectStream in = source.open(ref("hopeless.bin"), 0)) {
      assertThat(in.readNBytes(50_000)).isEqualTo(Arrays.copyOf(data, 50_000));
      assertThatThrownBy(() -> in.read(new byte[10]))
          .isInstanceOf(S3ReadException.class)
          .hasMessageContaining("s3://" + BUCKET + "/hopeless.bin")
          .hasMessageContaining("byte 50000")
          .satisfies(e -> assertThat(((S3ReadException) e).isRetryable()).isTrue());
    }
    // The first GET and three re-opens, no more.
    assertThat(faults.gets()).hasSize(4);
  }

  @Test
  void anObjectReplacedMidReadStopsTheReadInsteadOfMixingVersions() throws IOException {
    byte[] data = Bytes.random(200_000, 5);
    put("replaced.bin", data);
    faults.breakNextBodiesAfter(100_000);

    try (S3ObjectStream in = source.open(ref("replaced.bin"), 0)) {
      assertThat(in.readNBytes(100_000)).isEqualTo(Arrays.copyOf(data, 100_000));
      put("replaced.bin", Bytes.random(200_000, 6));
      assertThatThrownBy(() -> in.read(new byte[10]))
          .isInstanceOf(ObjectChangedException.class)
          .hasMessageContaining("s3://" + BUCKET + "/replaced.bin")
          .satisfies(
              e ->
                  assertThat(((ObjectChangedException) e).objectUri())
                      .isEqualTo("s3://" + BUCKET + "/replaced.bin"));
    }
  }

  @Test
  void aMissingObjectIsAClearPermanentError() {
    assertThatThrownBy(() -> source.open(ref("missing.csv"), 0))
        .isInstanceOf(ObjectMissingException.class)
        .hasMessageContaining("s3://" + BUCKET + "/missing.csv")
        .satisfies(e -> assertThat(((ObjectMissingException) e).isRetryable()).isFalse());
    assertThatThrownBy(() -> source.open(ref("missing.csv"), 10))
        .isInstanceOf(ObjectMissingException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void closingAPartlyReadStreamDoesNotDrainTheObject() throws IOException {
    byte[] data = Bytes.random(16 << 20, 7);
    put("abandoned.bin", data);
    try (S3ObjectStream in = source.open(ref("abandoned.bin"), 0)) {
      in.readNBytes(1000);
    }
    assertThat(faults.bodyBytesDelivered()).isLessThan(4L << 20);
  }

  @Test
  void onAVersionedBucketAReopenReadsTheSameVersionEvenAfterAnOverwrite() throws IOException {
    s3.createBucket("versioned-it");
    s3.client()
        .putBucketVersioning(
            b ->
                b.bucket("versioned-it")
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    byte[] first = Bytes.random(300_000, 8);
    String v1 =
        s3.client()
            .putObject(b -> b.bucket("versioned-it").key("v.bin"), RequestBody.fromBytes(first))
            .versionId();
    assertThat(v1).isNotNull();
    faults.breakNextBodiesAfter(100_000);

    try (S3ObjectStream in = source.open(S3ObjectRef.of("versioned-it", "v.bin"), 0)) {
      assertThat(in.metadata().versionId()).isEqualTo(v1);
      assertThat(in.ref().versionId()).isEqualTo(v1);
      byte[] head = in.readNBytes(100_000);
      s3.client()
          .putObject(
              b -> b.bucket("versioned-it").key("v.bin"),
              RequestBody.fromBytes(Bytes.random(300_000, 9)));
      byte[] tail = in.readAllBytes();
      byte[] all = new byte[head.length + tail.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(tail, 0, all, head.length, tail.length);
      assertThat(all).isEqualTo(first);
    }
    assertThat(faults.gets().get(1).versionId()).isEqualTo(v1);
    assertThat(faults.gets().get(1).range()).isEqualTo("bytes=100000-");
  }
}
