package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A parsed template (long-form intrinsics, see {@link CfnYaml}) with accessors by section. */
record CfnTemplate(JsonNode root, String source) {

  /** The project's template: system property {@code cdc.cfn.template}, else template.yaml. */
  static Path projectTemplatePath() {
    String configured = System.getProperty("cdc.cfn.template");
    return Path.of(configured == null || configured.isBlank() ? "template.yaml" : configured);
  }

  static CfnTemplate projectTemplate() {
    return load(projectTemplatePath());
  }

  static CfnTemplate load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + file, e);
    }
  }

  static CfnTemplate parse(String yaml, String source) {
    JsonNode root = CfnYaml.parse(yaml, source);
    if (!root.isObject()) {
      throw new IllegalArgumentException(source + ": a template is a mapping");
    }
    return new CfnTemplate(root, source);
  }

  ObjectNode parameters() {
    return section("Parameters");
  }

  ObjectNode conditions() {
    return section("Conditions");
  }

  ObjectNode mappings() {
    return section("Mappings");
  }

  ObjectNode resources() {
    return section("Resources");
  }

  ObjectNode outputs() {
    return section("Outputs");
  }

  /** Resources by logical id whose Type is {@code type}, in template order. */
  Map<String, JsonNode> resourcesOfType(String type) {
    Map<String, JsonNode> found = new LinkedHashMap<>();
    resources()
        .fields()
        .forEachRemaining(
            e -> {
              if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
              }
            });
    return found;
  }

  Optional<String> typeOf(String logicalId) {
    JsonNode type = resources().path(logicalId).path("Type");
    return type.isTextual() ? Optional.of(type.asText()) : Optional.empty();
  }

  /** A resource's Properties, an empty object when it has none. */
  static JsonNode properties(JsonNode resource) {
    JsonNode p = resource.path("Properties");
    return p.isObject() ? p : JsonNodeFactory.instance.objectNode();
  }

  /** The resource's Condition, or empty. */
  static Optional<String> condition(JsonNode resource) {
    JsonNode c = resource.path("Condition");
    return c.isTextual() ? Optional.of(c.asText()) : Optional.empty();
  }

  private ObjectNode section(String name) {
    JsonNode node = root.path(name);
    return node.isObject() ? (ObjectNode) node : JsonNodeFactory.instance.objectNode();
  }
}
