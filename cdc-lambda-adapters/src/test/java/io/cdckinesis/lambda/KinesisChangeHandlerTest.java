package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Drives the consumer function with Kinesis events as Lambda delivers them (JSON resources). */
class KinesisChangeHandlerTest {

  private final List<String> seen = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final CapturedMetrics metrics = new CapturedMetrics();
  private String failOn;

  private final TableHandler customers =
      new TableHandler() {
        @Override
        public void handle(ChangeInput in) {
          ChangeRecord r = in.record();
          String key = r.value("customerNumber") + ":" + r.operation().wireName();
          if (key.equals(failOn)) {
            throw new IllegalStateException("database unavailable");
          }
          seen.add(key + "@" + r.position().row());
        }
      };

  private KinesisChangeHandler handler() {
    return new KinesisChangeHandler(
        ChangeConsumer.builder()
            .handlers(
                TableHandlers.builder().register("classicmodels.customers", customers).build())
            .deadLetters(deadLetters::add)
            .attemptsPerInvocation(1)
            .build(),
        metrics.metrics());
  }

  @ParameterizedTest
  @Event(value = "events/kinesis-plain.json", type = KinesisEvent.class)
  void appliesPlainRecordsInOrder(KinesisEvent event) {
    StreamsEventResponse response = handler().handleRequest(event, null);

    // The sink sends one entry per key per request, so keys interleave; each key keeps its order.
    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(seen)
        .containsExactly("497:insert@1", "498:insert@4", "497:update@2", "497:delete@3");
  }

  @ParameterizedTest
  @Event(value = "events/kinesis-aggregated.json", type = KinesisEvent.class)
  void deaggregatesKplRecords(KinesisEvent event) {
    assertThat(event.getRecords()).hasSize(1);

    StreamsEventResponse response = handler().handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(seen)
        .containsExactly("497:insert@1", "497:update@2", "497:delete@3", "498:insert@4");
  }

  @Test
  void reportsTheFirstFailedRecordAndLaterRedeliveryResumesThere() {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-plain.json");
    KinesisChangeHandler handler = handler();
    failOn = "497:delete";

    StreamsEventResponse first = handler.handleRequest(event, null);

    String fourth = event.getRecords().get(3).getKinesis().getSequenceNumber();
    assertThat(first.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(fourth);
    assertThat(seen).containsExactly("497:insert@1", "498:insert@4", "497:update@2");

    // Lambda redelivers from the failed record; this time the handler succeeds.
    failOn = null;
    KinesisEvent rest = new KinesisEvent();
    rest.setRecords(event.getRecords().subList(3, 4));
    StreamsEventResponse second = handler.handleRequest(rest, null);

    assertThat(second.getBatchItemFailures()).isEmpty();
    assertThat(seen)
        .containsExactly("497:insert@1", "498:insert@4", "497:update@2", "497:delete@3");
  }

  @Test
  void aRedeliveredAggregateSkipsTheChangesAlreadyApplied() {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-aggregated.json");
    KinesisChangeHandler handler = handler();
    failOn = "498:insert";

    StreamsEventResponse first = handler.handleRequest(event, null);
    failOn = null;
    StreamsEventResponse second = handler.handleRequest(event, null);

    assertThat(first.getBatchItemFailures()).hasSize(1);
    assertThat(second.getBatchItemFailures()).isEmpty();
    assertThat(seen)
        .containsExactly("497:insert@1", "497:update@2", "497:delete@3", "498:insert@4");
  }

  @Test
  void writesEmbeddedMetricFormatWithoutRowValues() throws Exception {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-plain.json");

    handler().handleRequest(event, null);

    JsonNode emf = metrics.last();
    JsonNode directive = emf.get("_aws").get("CloudWatchMetrics").get(0);
    assertThat(directive.get("Namespace").asText()).isEqualTo("CdcKinesis");
    assertThat(directive.get("Dimensions").get(0).get(0).asText()).isEqualTo("FunctionName");
    assertThat(emf.get("FunctionName").asText()).isEqualTo("local");
    assertThat(emf.get("StreamRecords").asInt()).isEqualTo(4);
    assertThat(emf.get("Applied").asInt()).isEqualTo(4);
    assertThat(emf.get("BatchItemFailures").asInt()).isZero();
    assertThat(emf.has("NewestChangeAgeMillis")).isTrue();
    assertThat(metrics.lines.get(0)).doesNotContain("Diecast").doesNotContain("85100");
  }

  @Test
  void emitsOneMetricsDocumentPerInvocationWithItsRequestId() throws Exception {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-plain.json");
    KinesisChangeHandler handler = handler();

    failOn = "497:update";
    handler.handleRequest(event, new TestContext("req-1"));
    JsonNode first = metrics.last();
    failOn = null;
    handler.handleRequest(event, new TestContext("req-2"));

    assertThat(metrics.lines).hasSize(2);
    assertThat(first.get("requestId").asText()).isEqualTo("req-1");
    assertThat(first.get("BatchItemFailures").asInt()).isEqualTo(1);
    JsonNode second = metrics.last();
    assertThat(second.get("requestId").asText()).isEqualTo("req-2");
    assertThat(second.get("BatchItemFailures").asInt()).isZero();
    assertThat(second.get("Duplicates").asInt()).isEqualTo(2); // 497 insert and 498 insert
  }

  /** A subclass whose handlers live in its own fields: configure must run after they are set. */
  static class MyConsumer extends KinesisChangeHandler {
    final List<String> applied = new ArrayList<>();
    private final TableHandler customers =
        new TableHandler() {
          @Override
          protected void onInsert(ChangeInput in) {
            applied.add("insert " + in.rowKey());
          }
        };
    int consumersBuilt;

    MyConsumer(CapturedMetrics metrics) {
      super(metrics.metrics());
    }

    @Override
    protected void configure(TableHandlers.Builder handlers) {
      handlers.register("classicmodels.customers", customers);
    }

    @Override
    protected ChangeConsumer createConsumer() {
      consumersBuilt++;
      TableHandlers.Builder handlers = TableHandlers.builder();
      configure(handlers);
      return ChangeConsumer.builder().handlers(handlers.build()).deadLetters(d -> {}).build();
    }
  }

  @Test
  void buildsItsConsumerAtTheFirstInvocationAfterTheSubclassIsConstructed() {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-plain.json");
    MyConsumer consumer = new MyConsumer(metrics);

    assertThat(consumer.consumersBuilt).isZero();
    consumer.handleRequest(event, null);
    consumer.handleRequest(event, null);

    assertThat(consumer.consumersBuilt).isEqualTo(1);
    assertThat(consumer.applied)
        .containsExactly(
            "insert classicmodels.customers|497", "insert classicmodels.customers|498");
  }

  @Test
  void everyLogLineOfAnInvocationCarriesItsRequestIdAndShard() {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-plain.json");
    Logger log = LoggerFactory.getLogger("io.cdckinesis.test.handler");
    TableHandler logging =
        new TableHandler() {
          @Override
          public void handle(ChangeInput in) {
            log.info("handled");
          }
        };
    KinesisChangeHandler handler =
        new KinesisChangeHandler(
            ChangeConsumer.builder()
                .handlers(TableHandlers.builder().defaultHandler(logging).build())
                .deadLetters(deadLetters::add)
                .build(),
            metrics.metrics());

    try (CapturedLogs logs = new CapturedLogs()) {
      handler.handleRequest(event, new TestContext("req-42"));

      List<ILoggingEvent> lines = logs.withMessage("handled");
      assertThat(lines).hasSize(4);
      assertThat(lines)
          .allSatisfy(
              e -> {
                assertThat(e.getMDCPropertyMap()).containsEntry("requestId", "req-42");
                assertThat(e.getMDCPropertyMap()).containsEntry("shard", "shardId-000000000000");
              });
    }
    assertThat(MDC.get("requestId")).isNull();
    assertThat(MDC.get("shard")).isNull();
  }
}
