package io.cdckinesis.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.TableId;
import io.cdckinesis.local.LocalDynamoDb;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

/** The store over dynalite, through the real SDK client. */
class DynamoDbAppliedPositionStoreIT {

  private static final String LOAD = "s3://b/dbo/T/LOAD00000001.csv";
  private static final String CDC1 = "s3://b/dbo/T/20240101-000000000.csv";
  private static final String CDC2 = "s3://b/dbo/T/20240102-000000000.csv";

  private static LocalDynamoDb dynamo;
  private static int tables;

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.start();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
  }

  private static DynamoDbAppliedPositionStore store(DynamoDbClient client) {
    String name = "cdc-positions-" + (++tables);
    dynamo.createTable(name, DynamoDbAppliedPositionStore.KEY);
    return DynamoDbAppliedPositionStore.builder().client(client).tableName(name).build();
  }

  private static SourcePosition at(String uri, long generation, int revision, long row) {
    return new SourcePosition(
        new SourceFile(uri, generation, revision, "etag-" + row), row, row + 1);
  }

  @Test
  void recordsOnlyNewerPositionsAndReadsThemBackWhole() {
    DynamoDbAppliedPositionStore store = store(dynamo.client());
    SourcePosition p = at(CDC1, 2, 3, 7);

    assertThat(store.markApplied("dbo.T|1", p)).isTrue();
    assertThat(store.markApplied("dbo.T|1", p)).isFalse();
    assertThat(store.markApplied("dbo.T|1", at(CDC1, 2, 3, 6))).isFalse();
    assertThat(store.markApplied("dbo.T|1", at(CDC2, 1, 1, 900))).isFalse(); // older generation

    SourcePosition back = store.lastApplied("dbo.T|1").orElseThrow();
    assertThat(back).isEqualTo(p);
    assertThat(back.file().version()).isEqualTo("etag-7");
    assertThat(back.line()).isEqualTo(8);
    assertThat(store.isApplied("dbo.T|1", at(LOAD, 3, 1, 1))).isFalse(); // a reload's row is newer
    assertThat(store.markApplied("dbo.T|1", at(LOAD, 3, 1, 1))).isTrue();
  }

  @Test
  void keepsTheGreatestPositionWhateverTheOrderOfWrites() {
    DynamoDbAppliedPositionStore store = store(dynamo.client());
    Random random = new Random(7);
    Map<String, SourcePosition> greatest = new HashMap<>();
    List<String[]> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String key = "dbo.T|" + random.nextInt(20);
      String uri = List.of(LOAD, CDC1, CDC2).get(random.nextInt(3));
      SourcePosition p = at(uri, random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(50));
      greatest.merge(key, p, (a, b) -> a.compareTo(b) >= 0 ? a : b);
      writes.add(new String[] {key, Integer.toString(i)});
      store.markApplied(key, p);
    }

    Map<String, SourcePosition> stored = store.lastApplied(greatest.keySet());

    assertThat(stored.keySet()).isEqualTo(greatest.keySet());
    greatest.forEach((k, p) -> assertThat(stored.get(k).compareTo(p)).as(k).isZero());
  }

  @Test
  void readsABatchOfKeysInCallsOfAHundred() {
    AtomicInteger batchGets = new AtomicInteger();
    try (DynamoDbClient counting =
        dynamo
            .clientBuilder()
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                          @Override
                          public void beforeExecution(
                              Context.BeforeExecution context, ExecutionAttributes attributes) {
                            if (context.request() instanceof BatchGetItemRequest) {
                              batchGets.incrementAndGet();
                            }
                          }
                        }))
            .build()) {
      DynamoDbAppliedPositionStore store = store(counting);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        keys.add("dbo.T|" + i);
        if (i % 2 == 0) {
          store.markApplied("dbo.T|" + i, at(CDC1, 0, 1, i + 1));
        }
      }
      Collections.shuffle(keys, new Random(1));

      Map<String, SourcePosition> found = store.lastApplied(keys);

      assertThat(batchGets).hasValue(3);
      assertThat(found).hasSize(125);
      assertThat(found.get("dbo.T|42").row()).isEqualTo(43);
    }
  }

  @Test
  void raisesATablesGenerationOnly() {
    DynamoDbAppliedPositionStore store = store(dynamo.client());
    TableId t = TableId.of("dbo", "T");
    TableId other = TableId.of("dbo.T", "x");

    assertThat(store.generation(t)).isZero();
    assertThat(store.raiseGeneration(t, 2)).isEqualTo(2);
    assertThat(store.raiseGeneration(t, 1)).isEqualTo(2);
    assertThat(store.raiseGeneration(t, 2)).isEqualTo(2);
    assertThat(store.generation(t)).isEqualTo(2);
    assertThat(store.generation(other)).isZero();
    assertThat(store.lastApplied(List.of("dbo.T"))).isEmpty(); // not confused with a row key
  }

  @Test
  void aMissingTableIsAConfigurationErrorNamingIt() {
    DynamoDbAppliedPositionStore store =
        DynamoDbAppliedPositionStore.builder()
            .client(dynamo.client())
            .tableName("no-such-table")
            .build();

    assertThatThrownBy(() -> store.markApplied("k", at(CDC1, 0, 1, 1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no-such-table")
        .hasMessageContaining("does not exist")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isFalse());
  }

  @Test
  void anUnreachableDynamoDbIsRetryable() {
    try (DynamoDbClient dead =
        dynamo
            .clientBuilder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
            .build()) {
      DynamoDbAppliedPositionStore store =
          DynamoDbAppliedPositionStore.builder().client(dead).tableName("cdc-positions").build();

      assertThatThrownBy(() -> store.lastApplied(List.of("k")))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isTrue());
    }
  }
}
