package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.Checkpoint;
import io.cdckinesis.core.spi.CheckpointStore.Stored;
import io.cdckinesis.local.LocalS3;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3CheckpointStoreIT {

  private static final S3Location LOCATION = S3Location.of("state-it", "checkpoints/");
  private static LocalS3 s3;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    s3.createBucket(LOCATION.bucket());
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static S3CheckpointStore store(S3Client client) {
    return S3CheckpointStore.builder().client(client).location(LOCATION).build();
  }

  private static Checkpoint checkpoint(String uri, long rows, String owner) {
    return new Checkpoint(
        uri,
        "\"9b2cf535f27731c974343645a3985328\"",
        new ReadProgress(rows, rows + 2, rows * 80, List.of("Op", "id", "name")),
        false,
        owner,
        Instant.parse("2026-01-02T03:04:05.123456789Z").plusSeconds(rows));
  }

  @Test
  void savesLoadsAndAdvancesRevisions() {
    S3CheckpointStore store = store(s3.client());
    String uri = "s3://dms-out/dbo/Customer/LOAD00000001.csv";
    assertThat(store.load(uri)).isEmpty();

    Checkpoint first = checkpoint(uri, 100, "a");
    String r1 = store.save(first, null).orElseThrow();
    assertThat(store.load(uri)).contains(new Stored(first, r1));

    Checkpoint second = checkpoint(uri, 200, "a");
    String r2 = store.save(second, r1).orElseThrow();
    assertThat(r2).isNotEqualTo(r1);
    assertThat(store.load(uri)).contains(new Stored(second, r2));

    Checkpoint done =
        new Checkpoint(uri, second.objectVersion(), second.progress(), true, null, null);
    String r3 = store.save(done, r2).orElseThrow();
    assertThat(store.load(uri).orElseThrow().checkpoint()).isEqualTo(done);

    // Stale revisions and a second "first" save lose.
    assertThat(store.save(checkpoint(uri, 999, "late"), r1)).isEmpty();
    assertThat(store.save(checkpoint(uri, 999, "late"), r2)).isEmpty();
    assertThat(store.save(checkpoint(uri, 999, "late"), null)).isEmpty();
    assertThat(store.load(uri)).contains(new Stored(done, r3));
  }

  @Test
  void ofTwoWritersOnTheSameRevisionOnlyOneWins() {
    String uri = "s3://dms-out/dbo/Orders/20260102-030405123.csv";
    S3CheckpointStore a = store(s3.client());
    S3CheckpointStore b = store(s3.client());
    String base = a.save(checkpoint(uri, 1, "a"), null).orElseThrow();

    String seenByA = a.load(uri).orElseThrow().revision();
    String seenByB = b.load(uri).orElseThrow().revision();
    assertThat(seenByA).isEqualTo(base).isEqualTo(seenByB);

    Optional<String> bWins = b.save(checkpoint(uri, 50, "b"), seenByB);
    Optional<String> aLoses = a.save(checkpoint(uri, 40, "a"), seenByA);
    assertThat(bWins).isPresent();
    assertThat(aLoses).isEmpty();
    assertThat(a.load(uri).orElseThrow().checkpoint().owner()).isEqualTo("b");
  }

  @Test
  void ofManyConcurrentWritersExactlyOneWinsAndLoadShowsItsCheckpoint() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 10; round++) {
        String uri = "s3://dms-out/dbo/Race/LOAD0000000" + round + ".csv";
        String base =
            round % 2 == 0 ? null : store(s3.client()).save(checkpoint(uri, 0, "x"), null).get();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<String>>> results = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          Checkpoint mine = checkpoint(uri, 10 + w, "writer-" + w);
          S3CheckpointStore store = store(s3.client());
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return store.save(mine, base);
                  }));
        }
        go.countDown();
        List<Integer> winners = new ArrayList<>();
        for (int w = 0; w < results.size(); w++) {
          if (results.get(w).get().isPresent()) {
            winners.add(w);
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        assertThat(store(s3.client()).load(uri).orElseThrow().checkpoint().owner())
            .isEqualTo("writer-" + winners.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void checkpointsSurviveNewStoresNewClientsAndAServerRestart(@TempDir Path dir) {
    String uri = "s3://dms-out/dbo/My Table/北京 %2B+=.csv";
    Checkpoint saved = checkpoint(uri, 7, "before-restart");
    String revision;
    try (LocalS3 disk = LocalS3.onDisk(dir)) {
      disk.createBucket(LOCATION.bucket());
      revision = store(disk.client()).save(saved, null).orElseThrow();
    }
    try (LocalS3 restarted = LocalS3.onDisk(dir);
        S3Client fresh = restarted.clientBuilder().build()) {
      S3CheckpointStore store = store(fresh);
      assertThat(store.load(uri)).contains(new Stored(saved, revision));
      assertThat(store.save(checkpoint(uri, 8, "after"), revision)).isPresent();
      assertThat(store.save(checkpoint(uri, 8, "stale"), revision)).isEmpty();
    }
  }

  @Test
  void theNewestOfManyRevisionsIsFound() {
    S3CheckpointStore store = store(s3.client());
    String uri = "s3://dms-out/dbo/Big/LOAD00000001.csv";
    String revision = null;
    for (int i = 1; i <= 25; i++) {
      revision = store.save(checkpoint(uri, i, "a"), revision).orElseThrow();
    }
    Stored newest = store.load(uri).orElseThrow();
    assertThat(newest.revision()).isEqualTo(revision);
    assertThat(newest.checkpoint().progress().rowsDone()).isEqualTo(25);
    assertThat(
            s3.client()
                .listObjectsV2(b -> b.bucket(LOCATION.bucket()).prefix(store.keyPrefix(uri)))
                .keyCount())
        .isEqualTo(25);
  }

  @Test
  void keysThatAreNotRevisionsAreSkipped() {
    S3CheckpointStore store = store(s3.client());
    String uri = "s3://dms-out/dbo/Stray/20240101-000000000.csv";
    String first = store.save(checkpoint(uri, 1, "a"), null).orElseThrow();
    String second = store.save(checkpoint(uri, 2, "a"), first).orElseThrow();
    // An upload's temporary name (as some S3-compatible stores list mid-write) sorts before the
    // newest revision.
    String newestKey =
        s3.client()
            .listObjectsV2(b -> b.bucket(LOCATION.bucket()).prefix(store.keyPrefix(uri)))
            .contents()
            .get(0)
            .key();
    s3.client()
        .putObject(
            b -> b.bucket(LOCATION.bucket()).key(newestKey.replace(".r", ".q") + "-tmp"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("partial"));

    Stored loaded = store.load(uri).orElseThrow();

    assertThat(loaded.revision()).isEqualTo(second);
    assertThat(loaded.checkpoint().progress().rowsDone()).isEqualTo(2);
  }

  @Test
  void aSaveWhoseAnswerWasLostAndThatTheSdkSentAgainStillCountsAsItsOwnWin() throws Exception {
    // A third of the PutObject calls are stored but their answer is lost: the SDK sends them again
    // and
    // gets 412 from its own write.
    io.cdckinesis.local.faults.FaultInjector faults =
        io.cdckinesis.local.faults.FaultInjector.of(
            io.cdckinesis.local.faults.FaultPlan.parse(
                "resets=0.5,after-send=1,on=PutObject,seed=5"));
    try (var http = faults.httpClient();
        S3Client flaky = s3.clientBuilder().httpClient(http).build()) {
      S3CheckpointStore store = store(flaky);
      String uri = "s3://dms-out/dbo/Lossy/LOAD00000001.csv";
      String revision = null;
      for (int i = 1; i <= 10; i++) {
        while (true) {
          try {
            revision =
                store
                    .save(checkpoint(uri, i, "me"), revision)
                    .orElseThrow(() -> new AssertionError("own write reported as a lost race"));
            break;
          } catch (io.cdckinesis.core.StoreException e) {
            // Every SDK attempt was cut off: retryable, and the caller tries again.
            assertThat(e.isRetryable()).isTrue();
          }
        }
      }

      assertThat(faults.counts().describe()).contains("reset");
      Stored stored = store(s3.client()).load(uri).orElseThrow();
      assertThat(stored.revision()).isEqualTo(revision).isEqualTo("10");
      assertThat(stored.checkpoint().progress().rowsDone()).isEqualTo(10);
    }
  }

  @Test
  void veryLongAndUnusualKeysWork() {
    S3CheckpointStore store = store(s3.client());
    String uri = "s3://dms-out/" + "deep/".repeat(150) + "x".repeat(200) + " é?#*.csv";
    Checkpoint c = checkpoint(uri, 3, "a");
    String r = store.save(c, null).orElseThrow();
    assertThat(store.load(uri)).contains(new Stored(c, r));
    assertThat(store.keyPrefix(uri))
        .startsWith("checkpoints/")
        .hasSize("checkpoints/".length() + 44);
  }

  @Test
  void aDamagedCheckpointIsAClearPermanentError() {
    S3CheckpointStore store = store(s3.client());
    String uri = "s3://dms-out/dbo/Damaged/LOAD00000001.csv";
    String r = store.save(checkpoint(uri, 1, "a"), null).orElseThrow();
    String next = store.keyPrefix(uri) + "LOAD00000001.csv.r" + (Long.MAX_VALUE - 2) + ".json";
    s3.client()
        .putObject(
            b -> b.bucket(LOCATION.bucket()).key(next), RequestBody.fromString("{\"format\":1"));
    assertThatThrownBy(() -> store.load(uri))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://" + LOCATION.bucket() + "/" + next)
        .hasMessageContaining("not a readable checkpoint")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    assertThat(r).isEqualTo("1");
  }

  @Test
  void aMissingBucketIsAPermanentErrorNamingIt() {
    S3CheckpointStore store =
        S3CheckpointStore.builder()
            .client(s3.client())
            .location(S3Location.of("no-such-bucket", "cp"))
            .build();
    assertThatThrownBy(() -> store.load("s3://b/k"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://no-such-bucket/cp/")
        .hasMessageContaining("NoSuchBucket")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    assertThatThrownBy(() -> store.save(checkpoint("s3://b/k", 1, "a"), null))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
  }
}
