package io.cdckinesis.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/** An EMF environment that keeps the metric lines instead of printing them. */
final class CapturedMetrics implements Environment {

  private static final ObjectMapper JSON = new ObjectMapper();
  final List<String> lines = new ArrayList<>();

  EmfMetrics metrics() {
    return new EmfMetrics(this);
  }

  /** The last EMF document written, parsed. */
  JsonNode last() throws JsonProcessingException {
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  @Override
  public boolean probe() {
    return true;
  }

  @Override
  public String getName() {
    return "test";
  }

  @Override
  public String getType() {
    return "test";
  }

  @Override
  public String getLogGroupName() {
    return "test";
  }

  @Override
  public void configureContext(MetricsContext context) {}

  @Override
  public ISink getSink() {
    return new ISink() {
      @Override
      public void accept(MetricsContext context) {
        try {
          lines.addAll(context.serialize());
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
