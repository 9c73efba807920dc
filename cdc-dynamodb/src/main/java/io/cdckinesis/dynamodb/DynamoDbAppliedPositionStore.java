package io.cdckinesis.dynamodb;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.dynamodb.internal.DynamoDbErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Applied positions and table generations in a DynamoDB table: the consumer's exactly-once effect
 * across Lambda containers. The table has one string partition key, {@value #KEY}, and no sort key;
 * on-demand capacity suits it (see {@code cloudformation/template.yaml}).
 *
 * <p>Each row key is one item holding the last applied {@link SourcePosition} (its fields, and
 * {@link SourcePosition#sortKey()} in {@code pos}). {@link #markApplied} is one {@code PutItem}
 * with the condition {@code attribute_not_exists(pk) OR pos < :pos}, so a position never moves
 * back, whoever writes. {@link #lastApplied(Collection)} reads with strongly consistent {@code
 * BatchGetItem} calls of up to 100 keys, retrying unprocessed keys. A table's generation is an item
 * whose key begins with {@code \G} (no row key does), raised by a conditional {@code UpdateItem}.
 * No transactions are used. Thread-safe; never closes the client.
 */
public final class DynamoDbAppliedPositionStore implements AppliedPositionStore {

  /** The table's partition key attribute (a string). */
  public static final String KEY = "pk";

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbAppliedPositionStore.class);
  private static final int MAX_BATCH_GET = 100;
  private static final Map<String, String> NAMES =
      Map.of(
          "#pk", KEY,
          "#pos", "pos",
          "#uri", "uri",
          "#gen", "gen",
          "#rev", "rev",
          "#ver", "ver",
          "#row", "row",
          "#line", "line");
  private static final String PROJECTION = "#pk, #pos, #uri, #gen, #rev, #ver, #row, #line";

  private final DynamoDbClient client;
  private final String table;
  private final int maxUnprocessedRounds;
  private final Duration unprocessedBackoff;
  private final Clock clock;

  private DynamoDbAppliedPositionStore(Builder b) {
    this.client = b.client;
    this.table = b.tableName;
    this.maxUnprocessedRounds = b.maxUnprocessedRounds;
    this.unprocessedBackoff = b.unprocessedBackoff;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String tableName() {
    return table;
  }

  @Override
  public Map<String, SourcePosition> lastApplied(Collection<String> rowKeys) {
    Map<String, SourcePosition> out = new HashMap<>();
    List<String> keys = new ArrayList<>(new LinkedHashSet<>(rowKeys));
    for (int from = 0; from < keys.size(); from += MAX_BATCH_GET) {
      List<Map<String, AttributeValue>> chunk = new ArrayList<>();
      for (String k : keys.subList(from, Math.min(keys.size(), from + MAX_BATCH_GET))) {
        chunk.add(Map.of(KEY, AttributeValue.fromS(k)));
      }
      readChunk(chunk, out);
    }
    return out;
  }

  private void readChunk(List<Map<String, AttributeValue>> keys, Map<String, SourcePosition> out) {
    Map<String, KeysAndAttributes> request =
        Map.of(
            table,
            KeysAndAttributes.builder()
                .keys(keys)
                .consistentRead(true)
                .projectionExpression(PROJECTION)
                .expressionAttributeNames(NAMES)
                .build());
    for (int round = 1; ; round++) {
      BatchGetItemResponse response;
      try {
        Map<String, KeysAndAttributes> items = request;
        response = client.batchGetItem(b -> b.requestItems(items));
      } catch (SdkException e) {
        throw DynamoDbErrors.storeFailure("BatchGetItem", table, e);
      }
      for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
        out.put(item.get(KEY).s(), positionOf(item));
      }
      Map<String, KeysAndAttributes> unprocessed = response.unprocessedKeys();
      if (unprocessed == null || unprocessed.isEmpty()) {
        return;
      }
      if (round >= maxUnprocessedRounds) {
        throw new StoreException(
            "BatchGetItem on DynamoDB table "
                + table
                + " left keys unprocessed "
                + round
                + " times (throttled)",
            null,
            true);
      }
      request = unprocessed;
      sleep(unprocessedBackoff.multipliedBy(1L << Math.min(round - 1, 6)));
    }
  }

  @Override
  public boolean markApplied(String rowKey, SourcePosition position) {
    Objects.requireNonNull(rowKey, "rowKey");
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY, AttributeValue.fromS(rowKey));
    item.put("pos", AttributeValue.fromS(position.sortKey()));
    item.put("uri", AttributeValue.fromS(position.objectUri()));
    item.put("gen", number(position.generation()));
    item.put("rev", number(position.file().revision()));
    if (position.file().version() != null) {
      item.put("ver", AttributeValue.fromS(position.file().version()));
    }
    item.put("row", number(position.row()));
    item.put("line", number(position.line()));
    item.put("appliedAt", AttributeValue.fromS(clock.instant().toString()));
    try {
      client.putItem(
          b ->
              b.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk) OR #pos < :pos")
                  .expressionAttributeNames(Map.of("#pk", KEY, "#pos", "pos"))
                  .expressionAttributeValues(
                      Map.of(":pos", AttributeValue.fromS(position.sortKey()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw DynamoDbErrors.storeFailure("PutItem", table, e);
    }
  }

  @Override
  public long generation(TableId tableId) {
    Map<String, AttributeValue> item;
    try {
      item =
          client
              .getItem(
                  b ->
                      b.tableName(table)
                          .key(Map.of(KEY, AttributeValue.fromS(generationKey(tableId))))
                          .consistentRead(true))
              .item();
    } catch (SdkException e) {
      throw DynamoDbErrors.storeFailure("GetItem", table, e);
    }
    return item == null || !item.containsKey("tableGeneration")
        ? 0
        : Long.parseLong(item.get("tableGeneration").n());
  }

  @Override
  public long raiseGeneration(TableId tableId, long generation) {
    try {
      Map<String, AttributeValue> after =
          client
              .updateItem(
                  b ->
                      b.tableName(table)
                          .key(Map.of(KEY, AttributeValue.fromS(generationKey(tableId))))
                          .updateExpression("SET #g = :g, #t = :t, #at = :at")
                          .conditionExpression("attribute_not_exists(#g) OR #g < :g")
                          .expressionAttributeNames(
                              Map.of("#g", "tableGeneration", "#t", "table", "#at", "raisedAt"))
                          .expressionAttributeValues(
                              Map.of(
                                  ":g", number(generation),
                                  ":t", AttributeValue.fromS(tableId.toString()),
                                  ":at", AttributeValue.fromS(clock.instant().toString())))
                          .returnValues(ReturnValue.ALL_NEW))
              .attributes();
      LOG.debug("table {} raised to generation {}", tableId, generation);
      return Long.parseLong(after.get("tableGeneration").n());
    } catch (ConditionalCheckFailedException e) {
      return generation(tableId); // already as high: someone else raised it
    } catch (SdkException e) {
      throw DynamoDbErrors.storeFailure("UpdateItem", table, e);
    }
  }

  /** {@code \G} then the schema and table, length-prefixed so that no two tables share a key. */
  static String generationKey(TableId t) {
    return "\\G" + t.schema().length() + ":" + t.schema() + t.table().length() + ":" + t.table();
  }

  private static SourcePosition positionOf(Map<String, AttributeValue> item) {
    AttributeValue ver = item.get("ver");
    return new SourcePosition(
        new SourceFile(
            item.get("uri").s(),
            Long.parseLong(item.get("gen").n()),
            Integer.parseInt(item.get("rev").n()),
            ver == null ? null : ver.s()),
        Long.parseLong(item.get("row").n()),
        Long.parseLong(item.get("line").n()));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while reading applied positions", e, true);
    }
  }

  /** Builds a {@link DynamoDbAppliedPositionStore}. Required: client and table name. */
  public static final class Builder {
    private DynamoDbClient client;
    private String tableName;
    private int maxUnprocessedRounds = 8;
    private Duration unprocessedBackoff = Duration.ofMillis(50);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The client. In Lambda its endpoint comes from the SDK's standard {@code
     * AWS_ENDPOINT_URL_DYNAMODB} when set.
     */
    public Builder client(DynamoDbClient client) {
      this.client = client;
      return this;
    }

    /** The table ({@code CDC_POSITIONS_TABLE}). */
    public Builder tableName(String tableName) {
      this.tableName = tableName;
      return this;
    }

    /** BatchGetItem rounds for keys DynamoDB left unprocessed (throttling) before failing (8). */
    public Builder maxUnprocessedRounds(int rounds) {
      this.maxUnprocessedRounds = rounds;
      return this;
    }

    /** The first wait before reading unprocessed keys again, doubling (50 ms). */
    public Builder unprocessedBackoff(Duration backoff) {
      this.unprocessedBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** For the informational {@code appliedAt} and {@code raisedAt} attributes. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public DynamoDbAppliedPositionStore build() {
      if (client == null) {
        throw new ConfigurationException("DynamoDbAppliedPositionStore needs a DynamoDbClient");
      }
      if (tableName == null || tableName.length() < 3 || tableName.length() > 255) {
        throw new ConfigurationException(
            "DynamoDbAppliedPositionStore needs a table name of 3 to 255 characters, got "
                + tableName);
      }
      if (maxUnprocessedRounds < 1) {
        throw new ConfigurationException("maxUnprocessedRounds must be >= 1");
      }
      return new DynamoDbAppliedPositionStore(this);
    }
  }
}
