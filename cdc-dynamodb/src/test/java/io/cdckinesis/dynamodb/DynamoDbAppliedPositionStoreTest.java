package io.cdckinesis.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** What dynalite cannot show: keys left unprocessed by a throttled BatchGetItem. */
class DynamoDbAppliedPositionStoreTest {

  /** Answers each call with one key processed and the rest left unprocessed. */
  private static final class OneAtATime implements DynamoDbClient {
    final List<Integer> requested = new ArrayList<>();

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
      KeysAndAttributes k = request.requestItems().get("cdc-positions");
      requested.add(k.keys().size());
      Map<String, AttributeValue> first = k.keys().get(0);
      Map<String, AttributeValue> item =
          Map.of(
              "pk", first.get("pk"),
              "pos", AttributeValue.fromS("x"),
              "uri", AttributeValue.fromS("s3://b/dbo/T/20240101-000000000.csv"),
              "gen", AttributeValue.fromN("0"),
              "rev", AttributeValue.fromN("1"),
              "row", AttributeValue.fromN("1"),
              "line", AttributeValue.fromN("2"));
      BatchGetItemResponse.Builder r =
          BatchGetItemResponse.builder().responses(Map.of("cdc-positions", List.of(item)));
      if (k.keys().size() > 1) {
        r.unprocessedKeys(
            Map.of(
                "cdc-positions", k.toBuilder().keys(k.keys().subList(1, k.keys().size())).build()));
      }
      return r.build();
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }

  @Test
  void readsUnprocessedKeysAgainUntilAllAreRead() {
    OneAtATime client = new OneAtATime();
    DynamoDbAppliedPositionStore store =
        DynamoDbAppliedPositionStore.builder()
            .client(client)
            .tableName("cdc-positions")
            .unprocessedBackoff(Duration.ofMillis(1))
            .build();

    assertThat(store.lastApplied(List.of("a", "b", "c"))).containsOnlyKeys("a", "b", "c");
    assertThat(client.requested).containsExactly(3, 2, 1);
  }

  @Test
  void givesUpRetryablyWhenKeysStayUnprocessed() {
    DynamoDbAppliedPositionStore store =
        DynamoDbAppliedPositionStore.builder()
            .client(new OneAtATime())
            .tableName("cdc-positions")
            .maxUnprocessedRounds(2)
            .unprocessedBackoff(Duration.ofMillis(1))
            .build();

    assertThatThrownBy(() -> store.lastApplied(List.of("a", "b", "c")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("unprocessed")
        .satisfies(e -> assertThat(((StoreException) e).isRetryable()).isTrue());
  }

  @Test
  void generationKeysCannotCollideWithRowKeysOrEachOther() {
    String a = DynamoDbAppliedPositionStore.generationKey(TableId.of("a.b", "c"));
    String b = DynamoDbAppliedPositionStore.generationKey(TableId.of("a", "b.c"));

    assertThat(a).isNotEqualTo(b).startsWith("\\G");
  }
}
