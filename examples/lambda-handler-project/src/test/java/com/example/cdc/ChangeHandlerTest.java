package com.example.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;

class ChangeHandlerTest {

  /**
   * The function as Lambda calls it, with the event as Lambda's runtime deserializes it. Only the
   * consumer's stores differ from a deployment: positions in memory, dead letters in a list (no AWS
   * clients needed).
   */
  @ParameterizedTest
  @Event(value = "events/kinesis-customers.json", type = KinesisEvent.class)
  void appliesTheCustomersChanges(KinesisEvent event) {
    List<Object> deadLetters = new ArrayList<>();
    ChangeHandler function =
        new ChangeHandler() {
          @Override
          protected ChangeConsumer createConsumer() {
            TableHandlers.Builder handlers = TableHandlers.builder();
            configure(handlers);
            return ChangeConsumer.builder()
                .handlers(handlers.build())
                .deadLetters(deadLetters::add)
                .build();
          }
        };

    StreamsEventResponse response = function.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(deadLetters).isEmpty();
    // Ann inserted then updated; Bob inserted then deleted.
    assertThat(function.customers().rows())
        .containsOnlyKeys(List.of("1"))
        .containsEntry(List.of("1"), Map.of("id", "1", "name", "Ann", "email", "ann@example.org"));
  }
}
