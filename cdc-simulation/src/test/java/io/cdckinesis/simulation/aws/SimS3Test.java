package io.cdckinesis.simulation.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.BadInputReason;
import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.core.spi.ObjectStore;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.local.sim.ManualClock;
import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.s3.S3ObjectSource;
import io.cdckinesis.s3.S3ObjectStore;
import io.cdckinesis.s3.S3ObjectStream;
import io.cdckinesis.s3.S3PayloadStore;
import io.cdckinesis.s3.S3RejectSink;
import io.cdckinesis.s3.S3StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class SimS3Test {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T08:00:00.250Z"));
  private final SimS3 s3 = new SimS3(clock);

  SimS3Test() {
    s3.createBucket("b");
    s3.createBucket("bkt");
  }

  private void put(String key, String body) {
    s3.putObject(b -> b.bucket("b").key(key), RequestBody.fromString(body));
  }

  private static int status(Throwable t) {
    return ((S3Exception) t).statusCode();
  }

  @Test
  void objectsHaveAQuotedMd5ETagAndTheClocksLastModified() throws IOException {
    put("k", "hello");
    ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket("b").key("k"));
    assertThat(in.response().eTag()).isEqualTo("\"5d41402abc4b2a76b9719d911017c592\"");
    assertThat(in.response().lastModified()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    assertThat(in.response().contentLength()).isEqualTo(5);
    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket("b").key("missing")))
        .isInstanceOf(NoSuchKeyException.class);
  }

  @Test
  void conditionalPutsAnswer412WhenTheConditionFails() {
    s3.putObject(b -> b.bucket("b").key("k").ifNoneMatch("*"), RequestBody.fromString("one"));
    assertThatThrownBy(
            () ->
                s3.putObject(
                    b -> b.bucket("b").key("k").ifNoneMatch("*"), RequestBody.fromString("two")))
        .satisfies(e -> assertThat(status(e)).isEqualTo(412));
    String etag = s3.headObject(b -> b.bucket("b").key("k")).eTag();
    assertThatThrownBy(
            () ->
                s3.putObject(
                    b -> b.bucket("b").key("k").ifMatch("\"other\""), RequestBody.fromString("x")))
        .satisfies(e -> assertThat(status(e)).isEqualTo(412));
    s3.putObject(b -> b.bucket("b").key("k").ifMatch(etag), RequestBody.fromString("three"));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("b").key("k")).asUtf8String()).isEqualTo("three");
  }

  @Test
  void rangedAndConditionalGets() throws IOException {
    put("k", "0123456789");
    ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket("b").key("k").range("bytes=3-"));
    assertThat(in.response().contentRange()).isEqualTo("bytes 3-9/10");
    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456789");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("b").key("k").range("bytes=2-4")).asUtf8String())
        .isEqualTo("234");
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket("b").key("k").range("bytes=10-")))
        .satisfies(e -> assertThat(status(e)).isEqualTo(416));
    String etag = s3.headObject(b -> b.bucket("b").key("k")).eTag();
    put("k", "changed");
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket("b").key("k").ifMatch(etag)))
        .satisfies(e -> assertThat(status(e)).isEqualTo(412));
  }

  @Test
  void aBodyBeingReadKeepsTheVersionItStartedOn() throws IOException {
    put("k", "old contents");
    ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket("b").key("k"));
    put("k", "new contents!");
    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("old contents");
  }

  @Test
  void listingHonoursPrefixStartAfterDelimiterMaxKeysAndContinuation() {
    for (String k : List.of("a/1", "a/2", "a/3", "a/x/1", "a/x/2", "b/1")) {
      put(k, k);
    }
    List<String> keys = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response page =
          s3.listObjectsV2(
              b -> {
                b.bucket("b").prefix("a/").maxKeys(2);
                if (t != null) {
                  b.continuationToken(t);
                }
              });
      page.contents().forEach(o -> keys.add(o.key()));
      token = page.nextContinuationToken();
      assertThat(page.isTruncated()).isEqualTo(token != null);
    } while (token != null);
    assertThat(keys).containsExactly("a/1", "a/2", "a/3", "a/x/1", "a/x/2");

    ListObjectsV2Response after =
        s3.listObjectsV2(b -> b.bucket("b").prefix("a/").startAfter("a/2"));
    assertThat(after.contents()).extracting(S3Object::key).containsExactly("a/3", "a/x/1", "a/x/2");

    ListObjectsV2Response folders =
        s3.listObjectsV2(b -> b.bucket("b").prefix("a/").delimiter("/"));
    assertThat(folders.contents()).extracting(S3Object::key).containsExactly("a/1", "a/2", "a/3");
    assertThat(folders.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("a/x/");

    ListObjectsV2Response pagedFolders =
        s3.listObjectsV2(b -> b.bucket("b").prefix("a/").delimiter("/").maxKeys(3));
    ListObjectsV2Response rest =
        s3.listObjectsV2(
            b ->
                b.bucket("b")
                    .prefix("a/")
                    .delimiter("/")
                    .continuationToken(pagedFolders.nextContinuationToken()));
    assertThat(rest.contents()).isEmpty();
    assertThat(rest.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("a/x/");
    assertThat(new S3ObjectStore(s3).list("b", "a/", null, 4))
        .extracting(ObjectStore.Listed::key)
        .containsExactly("a/1", "a/2", "a/3", "a/x/1");
  }

  @Test
  void deletesAndNotifications() {
    List<String> events = new ArrayList<>();
    s3.onObjectEvents("b", e -> events.add(e.eventName() + " " + e.key() + " " + e.size()));
    put("x", "12");
    put("y", "345");
    s3.deleteObject(b -> b.bucket("b").key("x"));
    s3.deleteObjects(
        b -> b.bucket("b").delete(d -> d.objects(o -> o.key("y"), o -> o.key("never-there"))));
    assertThat(events)
        .containsExactly(
            "ObjectCreated:Put x 2",
            "ObjectCreated:Put y 3",
            "ObjectRemoved:Delete x 0",
            "ObjectRemoved:Delete y 0");
    assertThat(s3.objects("b", "")).isEmpty();
  }

  @Test
  void aBrokenDownloadThrowsMidObjectAndTheRealSourceResumesItWithARangedGet() throws IOException {
    String body = "line one\nline two\nline three\n".repeat(50);
    put("data.csv", body);
    long[] breaks = {100, 700};
    int[] gets = {0};
    s3.bodyHooks(
        new SimS3.BodyHooks() {
          @Override
          public long breakAt(String bucket, String key, long length) {
            int n = gets[0]++;
            return n < breaks.length ? breaks[n] : -1;
          }
        });
    S3ObjectSource source =
        S3ObjectSource.builder()
            .client(s3)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
            .build();
    try (S3ObjectStream in = source.open(S3ObjectRef.of("b", "data.csv"), 0)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
    }
    assertThat(gets[0]).as("two broken GETs, then one to the end").isEqualTo(3);
  }

  @Test
  void theRealSourceNoticesAnObjectReplacedBetweenTwoGets() throws IOException {
    put("data.csv", "a,b\n".repeat(100));
    String etag = s3.headObject(b -> b.bucket("b").key("data.csv")).eTag();
    put("data.csv", "c,d\n".repeat(100));
    S3ObjectSource source = S3ObjectSource.builder().client(s3).build();
    assertThatThrownBy(() -> source.open(S3ObjectRef.of("b", "data.csv"), 40, etag))
        .isInstanceOf(ObjectChangedException.class);
  }

  @Test
  void theRealStateStoreDoesCompareAndSetOnIt() {
    S3StateStore store =
        S3StateStore.builder().client(s3).location(S3Location.of("bkt", "state/")).build();
    byte[] mine = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] theirs = "{\"v\":2}".getBytes(StandardCharsets.UTF_8);
    Optional<String> r1 = store.save("tables/t", mine, null);
    assertThat(r1).isPresent();
    assertThat(store.save("tables/t", theirs, null)).as("a second writer, same revision").isEmpty();
    assertThat(store.save("tables/t", mine, null))
        .as("its own write, answered 412 on a retry")
        .isPresent();
    byte[] next = "{\"v\":3}".getBytes(StandardCharsets.UTF_8);
    Optional<String> r2 = store.save("tables/t", next, r1.get());
    assertThat(r2).isPresent();
    assertThat(store.save("tables/t", theirs, r1.get())).as("a stale revision").isEmpty();
    Optional<StateStore.Stored> loaded = store.load("tables/t");
    assertThat(loaded).isPresent();
    assertThat(loaded.get().document()).isEqualTo(next);
    assertThat(loaded.get().revision()).isEqualTo(r2.get());
    assertThat(store.load("tables/other")).isEmpty();
  }

  @Test
  void theRealRejectAndPayloadStoresWorkOnIt() {
    S3RejectSink rejects =
        S3RejectSink.builder()
            .client(s3)
            .location(S3Location.of("bkt", "rej/"))
            .runId("r1")
            .build();
    rejects.reject(
        new RejectedRow("s3://d/t/1.csv", 3, 4, BadInputReason.WRONG_FIELD_COUNT, "3 fields", "x"));
    rejects.flush();
    assertThat(s3.objects("bkt", "rej/")).hasSize(1);

    S3PayloadStore payloads =
        S3PayloadStore.builder().client(s3).location(S3Location.of("bkt", "big/")).build();
    byte[] big = new byte[5000];
    big[4999] = 7;
    String uri = payloads.put("row-1", big);
    assertThat(payloads.get(uri)).isEqualTo(big);
  }
}
