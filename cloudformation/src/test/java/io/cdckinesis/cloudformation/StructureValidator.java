package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks the template's sections and parameters: known top-level sections and parameter keys, known
 * parameter types, every default within its own constraints (a default that breaks them fails every
 * deployment that does not override it), and every output with a Value.
 */
final class StructureValidator {

  private static final Set<String> SECTIONS =
      Set.of(
          "AWSTemplateFormatVersion",
          "Description",
          "Metadata",
          "Parameters",
          "Rules",
          "Mappings",
          "Conditions",
          "Transform",
          "Resources",
          "Outputs");
  private static final Set<String> PARAMETER_KEYS =
      Set.of(
          "Type",
          "Default",
          "Description",
          "AllowedValues",
          "AllowedPattern",
          "ConstraintDescription",
          "MinLength",
          "MaxLength",
          "MinValue",
          "MaxValue",
          "NoEcho");
  private static final Set<String> PLAIN_TYPES =
      Set.of("String", "Number", "List<Number>", "CommaDelimitedList");
  private static final Pattern AWS_TYPE =
      Pattern.compile("(List<)?AWS::(EC2|Route53|SSM)::[A-Za-z0-9:<>]+(>)?");

  List<String> validate(CfnTemplate t) {
    List<String> problems = new ArrayList<>();
    t.root()
        .fieldNames()
        .forEachRemaining(
            s -> {
              if (!SECTIONS.contains(s)) {
                problems.add(s + ": unknown template section");
              }
            });
    for (Map.Entry<String, JsonNode> e : Intrinsics.iterable(t.parameters())) {
      parameter("Parameters." + e.getKey(), e.getValue(), problems);
    }
    for (Map.Entry<String, JsonNode> e : Intrinsics.iterable(t.outputs())) {
      if (!e.getValue().has("Value")) {
        problems.add("Outputs." + e.getKey() + ": no Value");
      }
    }
    return problems;
  }

  private static void parameter(String path, JsonNode p, List<String> problems) {
    p.fieldNames()
        .forEachRemaining(
            k -> {
              if (!PARAMETER_KEYS.contains(k)) {
                problems.add(path + ": unknown parameter key " + k);
              }
            });
    String type = p.path("Type").asText();
    if (!PLAIN_TYPES.contains(type) && !AWS_TYPE.matcher(type).matches()) {
      problems.add(path + ": unknown parameter type '" + type + "'");
    }
    JsonNode def = p.path("Default");
    if (def.isMissingNode()) {
      return;
    }
    String value = def.asText();
    if (type.equals("Number")) {
      BigDecimal n;
      try {
        n = new BigDecimal(value);
      } catch (NumberFormatException e) {
        problems.add(path + ": Default '" + value + "' is not a number");
        return;
      }
      if (p.has("MinValue") && n.compareTo(p.get("MinValue").decimalValue()) < 0) {
        problems.add(path + ": Default " + value + " is below MinValue");
      }
      if (p.has("MaxValue") && n.compareTo(p.get("MaxValue").decimalValue()) > 0) {
        problems.add(path + ": Default " + value + " is above MaxValue");
      }
    }
    if (p.has("AllowedValues")) {
      boolean allowed = false;
      for (JsonNode v : p.get("AllowedValues")) {
        allowed |= v.asText().equals(value);
      }
      if (!allowed) {
        problems.add(path + ": Default '" + value + "' is not one of AllowedValues");
      }
    }
    if (p.has("AllowedPattern")) {
      try {
        // CloudFormation matches the whole value
        if (!Pattern.compile(p.get("AllowedPattern").asText()).matcher(value).matches()) {
          problems.add(path + ": Default '" + value + "' does not match AllowedPattern");
        }
      } catch (PatternSyntaxException e) {
        problems.add(path + ": AllowedPattern is not a valid pattern: " + e.getDescription());
      }
    }
    if (p.has("MinLength") && value.length() < p.get("MinLength").asInt()) {
      problems.add(path + ": Default is shorter than MinLength");
    }
    if (p.has("MaxLength") && value.length() > p.get("MaxLength").asInt()) {
      problems.add(path + ": Default is longer than MaxLength");
    }
  }
}
