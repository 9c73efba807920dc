package io.cdckinesis.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** Keeps the EMF documents a function writes instead of printing them. */
final class CapturedMetrics {

  private static final ObjectMapper JSON = new ObjectMapper();
  final List<String> lines = new ArrayList<>();

  EmfMetrics metrics() {
    return EmfMetrics.to(lines::add);
  }

  /** The last EMF document written, parsed. */
  JsonNode last() throws JsonProcessingException {
    return JSON.readTree(lines.get(lines.size() - 1));
  }
}
