package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.lambda.internal.InvocationLogContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The function jar's logging configuration (src/lambda/logback.xml) as Lambda would run it. */
class LambdaLogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachJsonLineCarriesTheRequestIdAndTheShard() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter()); // the adapter SLF4J's MDC writes to
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      configurator.doConfigure(Path.of("src/lambda/logback.xml").toFile());
      Logger log = context.getLogger("io.cdckinesis.pipeline.consumer.internal.ShardBatch");
      try (InvocationLogContext ignored = InvocationLogContext.open(new TestContext("req-7"));
          MDC.MDCCloseable shard = MDC.putCloseable("shard", "shardId-000000000003")) {
        log.atWarn().setMessage("stopping the shard").addKeyValue("sequenceNumber", "49").log();
      }
    } finally {
      System.setOut(stdout);
      context.stop();
    }

    String text = captured.toString(StandardCharsets.UTF_8).strip();
    JsonNode line = JSON.readTree(text);
    assertThat(line.get("message").asText()).isEqualTo("stopping the shard");
    assertThat(line.get("mdc").get("requestId").asText()).isEqualTo("req-7");
    assertThat(line.get("mdc").get("functionName").asText()).isEqualTo("cdc-producer");
    assertThat(line.get("mdc").get("shard").asText()).isEqualTo("shardId-000000000003");
    assertThat(line.toString()).contains("sequenceNumber");
  }

  @Test
  void kinesisEventsNameTheirStreamForShardRangeLookups() {
    KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-plain.json");

    var record = KinesisChangeHandler.toStreamRecord(event.getRecords().get(0));

    assertThat(record.stream()).isEqualTo("arn:aws:kinesis:us-east-1:123456789012:stream/changes");
    assertThat(record.shardId()).isEqualTo("shardId-000000000000");
  }
}
