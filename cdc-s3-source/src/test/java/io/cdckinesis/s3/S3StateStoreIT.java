package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.StateStore.Stored;
import io.cdckinesis.local.LocalS3;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3StateStoreIT {

  private static final S3Location LOCATION = S3Location.of("state-it", "_cdc/state/");
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

  private static S3StateStore store(S3Client client) {
    return S3StateStore.builder().client(client).location(LOCATION).build();
  }

  private static byte[] doc(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Optional<Stored> s) {
    return new String(s.orElseThrow().document(), StandardCharsets.UTF_8);
  }

  private static int keysUnder(String prefix) {
    return s3.client().listObjectsV2(b -> b.bucket(LOCATION.bucket()).prefix(prefix)).keyCount();
  }

  @Test
  void savesLoadsAndAdvancesRevisions() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/Customer";
    assertThat(store.load(id)).isEmpty();

    String r1 = store.save(id, doc("first"), null).orElseThrow();
    assertThat(store.load(id)).contains(new Stored(doc("first"), r1));
    String r2 = store.save(id, doc("second"), r1).orElseThrow();
    assertThat(r2).isNotEqualTo(r1);
    String r3 = store.save(id, doc("third"), r2).orElseThrow();
    assertThat(text(store.load(id))).isEqualTo("third");

    // Stale revisions and a second "first" save lose, although revision 1 was cleaned up.
    assertThat(store.save(id, doc("late"), r1)).isEmpty();
    assertThat(store.save(id, doc("late"), r2)).isEmpty();
    assertThat(store.save(id, doc("late"), null)).isEmpty();
    assertThat(store.load(id)).contains(new Stored(doc("third"), r3));
  }

  @Test
  void aVeryLateWriterWhoseSuccessorWasCleanedUpStillLosesAndLeavesNothing() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/Late";
    String revision = null;
    for (int i = 1; i <= 5; i++) {
      revision = store.save(id, doc("rev-" + i), revision).orElseThrow();
    }

    assertThat(store.save(id, doc("from a writer that loaded revision 1"), "1")).isEmpty();
    assertThat(store.load(id)).contains(new Stored(doc("rev-5"), revision));
    assertThat(keysUnder(store.keyPrefix(id))).isEqualTo(2);
  }

  /**
   * Found by the simulation (full seed 200): an operator deleted a table's state while a stalled
   * run held it; a new run started the document again at revision 1, and the stalled run's next
   * save (on its revision 8, deleted) created revision 9 and overtook the new lineage with the
   * table's old generation.
   */
  @Test
  void aWriterWhoseDocumentWasDeletedCannotOvertakeTheWriterThatStartedItAgain() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/Deleted";
    Restarted lineages = restarted(store, id, 8);
    String stale = lineages.stale();
    String fresh = lineages.fresh();

    assertThat(store.save(id, doc("from the writer before the deletion"), stale)).isEmpty();
    assertThat(store.load(id)).contains(new Stored(doc("new-3"), fresh));
    assertThat(store.save(id, doc("new-4"), fresh)).isPresent();
  }

  /** Full seed 1151: the same when the new document has reached the stale writer's number. */
  @Test
  void aWriterWhoseDocumentWasDeletedCannotOvertakeANewDocumentAtItsOwnRevisionNumber() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/DeletedAtSameNumber";
    Restarted lineages = restarted(store, id, 3);
    String stale = lineages.stale();
    String fresh = lineages.fresh();

    assertThat(store.save(id, doc("from the writer before the deletion"), stale)).isEmpty();
    assertThat(store.load(id)).contains(new Stored(doc("new-3"), fresh));
  }

  /**
   * Full seed 4002119: the same, when the stale writer died before deleting its losing revision:
   * readers took it for the newest, and the table's old generation overtook the new one.
   */
  @Test
  void aLosingRevisionLeftByAWriterThatDiedBeforeDeletingItIsReadPastAndRemoved() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/LeftBehind";
    Restarted lineages = restarted(store, id, 8);
    String stale = lineages.stale();
    String fresh = lineages.fresh();

    S3StateStore dying = store(withoutDeletes(s3.client()));
    assertThat(dying.save(id, doc("from the writer before the deletion"), stale)).isEmpty();
    String prefix = store.keyPrefix(id);
    assertThat(keysUnder(prefix)).as("its losing revision 9 is left").isEqualTo(3);

    assertThat(store.load(id)).contains(new Stored(doc("new-3"), fresh));
    assertThat(keysUnder(prefix)).isEqualTo(2);
    String r = fresh;
    for (int i = 4; i <= 10; i++) { // through revision 9, the number the loser had taken
      r = store.save(id, doc("new-" + i), r).orElseThrow();
    }
    assertThat(text(store.load(id))).isEqualTo("new-10");
  }

  /**
   * The same at the new document's own revision number: the loser's predecessor number is there,
   * but it is another object than the one the loser was saved on (its metadata says which).
   */
  @Test
  void aLosingRevisionLeftBehindOnAnotherObjectOfItsPredecessorsNumberIsReadPast() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/LeftBehindAtSameNumber";
    Restarted lineages = restarted(store, id, 3);
    String stale = lineages.stale();
    String fresh = lineages.fresh();

    S3StateStore dying = store(withoutDeletes(s3.client()));
    assertThat(dying.save(id, doc("from the writer before the deletion"), stale)).isEmpty();
    String prefix = store.keyPrefix(id);
    assertThat(keysUnder(prefix)).as("its losing revision 4 is left").isEqualTo(3);

    assertThat(store.load(id)).contains(new Stored(doc("new-3"), fresh));
    assertThat(store.save(id, doc("new-4"), fresh)).isPresent();
    assertThat(text(store.load(id))).isEqualTo("new-4");
  }

  /** The last revisions of a document's two lineages: before and after it was deleted. */
  private record Restarted(String stale, String fresh) {}

  /**
   * Saves {@code staleRevisions} revisions of a document, deletes every object of it (an operator
   * deleting a table's state), and saves 3 revisions again from revision 1.
   */
  private static Restarted restarted(S3StateStore store, String id, int staleRevisions) {
    String stale = null;
    for (int i = 1; i <= staleRevisions; i++) {
      stale = store.save(id, doc("old-" + i), stale).orElseThrow();
    }
    String prefix = store.keyPrefix(id);
    s3.client()
        .listObjectsV2(b -> b.bucket(LOCATION.bucket()).prefix(prefix))
        .contents()
        .forEach(o -> s3.client().deleteObject(b -> b.bucket(LOCATION.bucket()).key(o.key())));
    String fresh = null;
    for (int i = 1; i <= 3; i++) {
      fresh = store.save(id, doc("new-" + i), fresh).orElseThrow();
    }
    return new Restarted(stale, fresh);
  }

  /** A client whose DeleteObject fails, as for a writer that dies before deleting. */
  private static S3Client withoutDeletes(S3Client client) {
    return (S3Client)
        Proxy.newProxyInstance(
            S3Client.class.getClassLoader(),
            new Class<?>[] {S3Client.class},
            (proxy, method, args) -> {
              if (method.getName().equals("deleteObject")) {
                throw SdkClientException.create("the writer died");
              }
              try {
                return method.invoke(client, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void ofTwoWritersOnTheSameRevisionOnlyOneWins() {
    String id = "tables/dms-out/dbo/Orders";
    S3StateStore a = store(s3.client());
    S3StateStore b = store(s3.client());
    String base = a.save(id, doc("a0"), null).orElseThrow();

    Optional<String> bWins = b.save(id, doc("b"), base);
    Optional<String> aLoses = a.save(id, doc("a"), base);

    assertThat(bWins).isPresent();
    assertThat(aLoses).isEmpty();
    assertThat(text(a.load(id))).isEqualTo("b");
  }

  @Test
  void ofManyConcurrentWritersExactlyOneWinsAndLoadShowsItsDocument() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 10; round++) {
        String id = "tables/dms-out/dbo/Race" + round;
        String base = round % 2 == 0 ? null : store(s3.client()).save(id, doc("x"), null).get();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<String>>> results = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          byte[] mine = doc("writer-" + w);
          S3StateStore store = store(s3.client());
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return store.save(id, mine, base);
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
        assertThat(text(store(s3.client()).load(id))).isEqualTo("writer-" + winners.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void documentsSurviveNewStoresNewClientsAndAServerRestart(@TempDir Path dir) {
    String id = "tables/dms-out/dbo/My Table/北京 %2B+=";
    String revision;
    try (LocalS3 disk = LocalS3.onDisk(dir)) {
      disk.createBucket(LOCATION.bucket());
      revision = store(disk.client()).save(id, doc("before-restart"), null).orElseThrow();
    }
    try (LocalS3 restarted = LocalS3.onDisk(dir);
        S3Client fresh = restarted.clientBuilder().build()) {
      S3StateStore store = store(fresh);
      assertThat(store.load(id)).contains(new Stored(doc("before-restart"), revision));
      assertThat(store.save(id, doc("after"), revision)).isPresent();
      assertThat(store.save(id, doc("stale"), revision)).isEmpty();
    }
  }

  @Test
  void theStoreKeepsOnlyTheNewestRevisionsSoNoExpiryRuleIsNeeded() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/Big";
    String revision = null;
    for (int i = 1; i <= 25; i++) {
      revision = store.save(id, doc("rev-" + i), revision).orElseThrow();
    }

    assertThat(store.load(id)).contains(new Stored(doc("rev-25"), revision));
    assertThat(keysUnder(store.keyPrefix(id))).isEqualTo(2);
  }

  @Test
  void keysThatAreNotRevisionsAndNestedDocumentsAreSkipped() {
    S3StateStore store = store(s3.client());
    String id = "tables/dms-out/dbo/Stray";
    String first = store.save(id, doc("one"), null).orElseThrow();
    String second = store.save(id, doc("two"), first).orElseThrow();
    store.save(id + "/nested", doc("other document"), null).orElseThrow();
    s3.client()
        .putObject(
            b -> b.bucket(LOCATION.bucket()).key(store.keyPrefix(id) + "a-tmp-upload"),
            RequestBody.fromString("partial"));

    assertThat(store.load(id)).contains(new Stored(doc("two"), second));
  }

  @Test
  void listNamesEveryDocumentUnderAPrefixOnce() {
    S3StateStore store = store(s3.client());
    String r = store.save("tables/list-it/a/b", doc("1"), null).orElseThrow();
    store.save("tables/list-it/a/b", doc("2"), r).orElseThrow();
    store.save("tables/list-it/c/d", doc("3"), null).orElseThrow();
    store.save("tables/other/x", doc("4"), null).orElseThrow();

    assertThat(store.list("tables/list-it/"))
        .containsExactlyInAnyOrder("tables/list-it/a/b", "tables/list-it/c/d");
  }

  @Test
  void aSaveWhoseAnswerWasLostAndThatTheSdkSentAgainStillCountsAsItsOwnWin() throws Exception {
    // Half of the PutObject calls are stored but their answer is lost: the SDK sends them again
    // and gets 412 from its own write.
    io.cdckinesis.local.faults.FaultInjector faults =
        io.cdckinesis.local.faults.FaultInjector.of(
            io.cdckinesis.local.faults.FaultPlan.parse(
                "resets=0.5,after-send=1,on=PutObject,seed=5"));
    try (var http = faults.httpClient();
        S3Client flaky = s3.clientBuilder().httpClient(http).build()) {
      S3StateStore store = store(flaky);
      String id = "tables/dms-out/dbo/Lossy";
      String revision = null;
      for (int i = 1; i <= 10; i++) {
        while (true) {
          try {
            revision =
                store
                    .save(id, doc("rev-" + i), revision)
                    .orElseThrow(() -> new AssertionError("own write reported as a lost race"));
            break;
          } catch (StoreException e) {
            // Every SDK attempt was cut off: retryable, and the caller tries again.
            assertThat(e.isRetryable()).isTrue();
          }
        }
      }

      assertThat(faults.counts().describe()).contains("reset");
      Stored loaded = store(s3.client()).load(id).orElseThrow();
      assertThat(loaded.document()).isEqualTo(doc("rev-10"));
      assertThat(loaded.revision()).isEqualTo(revision).startsWith("10:");
    }
  }

  @Test
  void aMissingBucketIsAPermanentErrorNamingIt() {
    S3StateStore store =
        S3StateStore.builder()
            .client(s3.client())
            .location(S3Location.of("no-such-bucket", "st"))
            .build();
    assertThatThrownBy(() -> store.load("tables/b/k"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("s3://no-such-bucket/st/")
        .hasMessageContaining("NoSuchBucket")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
    assertThatThrownBy(() -> store.save("tables/b/k", doc("x"), null))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
  }

  @Test
  void idsMustBePaths() {
    S3StateStore store = store(s3.client());
    assertThatThrownBy(() -> store.load("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.load("a//b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.load("a/../b")).isInstanceOf(IllegalArgumentException.class);
  }
}
