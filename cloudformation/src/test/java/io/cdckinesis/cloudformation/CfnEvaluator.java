package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Evaluates template values for given parameter values, as CloudFormation would at deploy time:
 * conditions, Ref of parameters and pseudo parameters, Fn::If, Fn::Sub, Fn::Join, Fn::Select,
 * Fn::Split, Fn::Equals/Not/And/Or. What only exists after deployment (Ref of a resource, GetAtt)
 * stays a {@code ${Name}} placeholder. {@code AWS::NoValue} evaluates to null (absent).
 */
final class CfnEvaluator {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final CfnTemplate template;
  private final Map<String, String> values = new HashMap<>();

  /**
   * @param overrides parameter values; the others take their Default; pseudo parameters get sample
   *     values (account 123456789012, eu-west-1, partition aws)
   */
  CfnEvaluator(CfnTemplate template, Map<String, String> overrides) {
    this.template = template;
    template
        .parameters()
        .fields()
        .forEachRemaining(e -> values.put(e.getKey(), e.getValue().path("Default").asText("")));
    values.putAll(overrides);
    values.put("AWS::AccountId", "123456789012");
    values.put("AWS::Region", "eu-west-1");
    values.put("AWS::Partition", "aws");
    values.put("AWS::StackName", "cdc-stack");
    values.put("AWS::URLSuffix", "amazonaws.com");
  }

  boolean condition(String name) {
    JsonNode definition = template.conditions().get(name);
    if (definition == null) {
      throw new IllegalArgumentException("no condition " + name);
    }
    return truth(definition);
  }

  private boolean truth(JsonNode node) {
    Optional<String> fn = Intrinsics.function(node);
    if (fn.isEmpty()) {
      return node.asBoolean();
    }
    JsonNode arg = node.get(fn.get());
    switch (fn.get()) {
      case "Condition":
        return condition(arg.asText());
      case "Fn::Equals":
        return text(eval(arg.get(0))).equals(text(eval(arg.get(1))));
      case "Fn::Not":
        return !truth(arg.get(0));
      case "Fn::And":
        for (JsonNode term : arg) {
          if (!truth(term)) {
            return false;
          }
        }
        return true;
      case "Fn::Or":
        for (JsonNode term : arg) {
          if (truth(term)) {
            return true;
          }
        }
        return false;
      default:
        throw new IllegalArgumentException("not a condition function: " + fn.get());
    }
  }

  /** The value of a node, or null for {@code AWS::NoValue}. */
  JsonNode eval(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return null;
    }
    Optional<String> fn = Intrinsics.function(node);
    if (fn.isEmpty()) {
      if (node.isObject()) {
        ObjectNode out = NODES.objectNode();
        node.fields()
            .forEachRemaining(
                e -> {
                  JsonNode v = eval(e.getValue());
                  if (v != null) {
                    out.set(e.getKey(), v);
                  }
                });
        return out;
      }
      if (node.isArray()) {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode element : node) {
          JsonNode v = eval(element);
          if (v != null) {
            out.add(v);
          }
        }
        return out;
      }
      return node;
    }
    JsonNode arg = node.get(fn.get());
    switch (fn.get()) {
      case "Ref":
        {
          String name = arg.asText();
          if (name.equals("AWS::NoValue")) {
            return null;
          }
          String value = values.get(name);
          return NODES.textNode(value != null ? value : "${" + name + "}");
        }
      case "Fn::GetAtt":
        return NODES.textNode("${" + arg.get(0).asText() + "." + arg.get(1).asText() + "}");
      case "Fn::If":
        return eval(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
      case "Fn::Sub":
        return NODES.textNode(sub(arg));
      case "Fn::Join":
        {
          StringBuilder out = new StringBuilder();
          JsonNode parts = eval(arg.get(1));
          for (int i = 0; i < parts.size(); i++) {
            out.append(i == 0 ? "" : arg.get(0).asText()).append(text(parts.get(i)));
          }
          return NODES.textNode(out.toString());
        }
      case "Fn::Split":
        {
          ArrayNode out = NODES.arrayNode();
          String delimiter = arg.get(0).asText();
          for (String part :
              text(eval(arg.get(1))).split(java.util.regex.Pattern.quote(delimiter), -1)) {
            out.add(part);
          }
          return out;
        }
      case "Fn::Select":
        return eval(arg.get(1)).get(Integer.parseInt(text(eval(arg.get(0)))));
      case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
        return NODES.booleanNode(truth(node));
      default:
        throw new IllegalArgumentException("cannot evaluate " + fn.get());
    }
  }

  private String sub(JsonNode arg) {
    String template = arg.isTextual() ? arg.asText() : arg.get(0).asText();
    Map<String, String> locals = new HashMap<>();
    if (arg.isArray()) {
      arg.get(1).fields().forEachRemaining(e -> locals.put(e.getKey(), text(eval(e.getValue()))));
    }
    Matcher m = Intrinsics.SUB_VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).trim();
      String value = locals.containsKey(name) ? locals.get(name) : values.get(name);
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    // ${!Literal} writes ${Literal}
    return out.toString().replace("${!", "${");
  }

  private static String text(JsonNode node) {
    return node == null ? "" : node.asText();
  }
}
