package io.cdckinesis.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.lambda.EmfMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receives the functions' CloudWatch Embedded Metric Format documents instead of printing them, and
 * sums each metric over the run, as a CloudWatch dashboard would.
 */
final class EmfTotals {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Double> totals = new ConcurrentHashMap<>();

  EmfMetrics metrics() {
    return EmfMetrics.to(this::add);
  }

  long total(String metric) {
    return Math.round(totals.getOrDefault(metric, 0.0));
  }

  private void add(String document) {
    try {
      JsonNode doc = JSON.readTree(document);
      for (JsonNode directive : doc.get("_aws").get("CloudWatchMetrics")) {
        for (JsonNode metric : directive.get("Metrics")) {
          String name = metric.get("Name").asText();
          totals.merge(name, doc.get(name).asDouble(), Double::sum);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable EMF document", e);
    }
  }
}
