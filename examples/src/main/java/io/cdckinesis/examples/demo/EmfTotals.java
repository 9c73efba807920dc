package io.cdckinesis.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.lambda.EmfMetrics;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Receives the functions' CloudWatch Embedded Metric Format documents instead of printing them, and
 * sums each metric over the run, as a CloudWatch dashboard would.
 */
final class EmfTotals implements Environment {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Double> totals = new ConcurrentHashMap<>();

  EmfMetrics metrics() {
    return new EmfMetrics(this);
  }

  long total(String metric) {
    return Math.round(totals.getOrDefault(metric, 0.0));
  }

  @Override
  public boolean probe() {
    return true;
  }

  @Override
  public String getName() {
    return "demo";
  }

  @Override
  public String getType() {
    return "demo";
  }

  @Override
  public String getLogGroupName() {
    return "demo";
  }

  @Override
  public void configureContext(MetricsContext context) {}

  @Override
  public ISink getSink() {
    return new ISink() {
      @Override
      public void accept(MetricsContext context) {
        try {
          for (String line : context.serialize()) {
            JsonNode doc = JSON.readTree(line);
            for (JsonNode directive : doc.get("_aws").get("CloudWatchMetrics")) {
              for (JsonNode metric : directive.get("Metrics")) {
                String name = metric.get("Name").asText();
                totals.merge(name, doc.get(name).asDouble(), Double::sum);
              }
            }
          }
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("unreadable EMF document", e);
        }
      }

      @Override
      public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
