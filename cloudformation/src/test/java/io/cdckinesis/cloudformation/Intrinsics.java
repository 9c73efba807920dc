package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises intrinsic functions and renders values to the strings they can produce. */
final class Intrinsics {

  static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId",
          "AWS::NotificationARNs",
          "AWS::NoValue",
          "AWS::Partition",
          "AWS::Region",
          "AWS::StackId",
          "AWS::StackName",
          "AWS::URLSuffix");

  /** {@code ${Name}} or {@code ${Name.Attr}} in an Fn::Sub string; {@code ${!Literal}} is not. */
  static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

  /** What {@link #render} writes for a value it cannot know. */
  static final String UNKNOWN = "${?}";

  private Intrinsics() {}

  /** The function name when {@code node} is an intrinsic ({@code Ref}, {@code Fn::*}). */
  static Optional<String> function(JsonNode node) {
    if (node != null && node.isObject() && node.size() == 1) {
      String name = node.fieldNames().next();
      if (name.equals("Ref") || name.startsWith("Fn::") || name.equals("Condition")) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  static boolean isFunction(JsonNode node, String name) {
    return function(node).filter(name::equals).isPresent();
  }

  static boolean isNoValue(JsonNode node) {
    return isFunction(node, "Ref") && "AWS::NoValue".equals(node.get("Ref").asText());
  }

  /**
   * The values a node may take after {@code Fn::If} chooses a branch: both branches of every {@code
   * Fn::If}, nothing for {@code AWS::NoValue}, the node itself otherwise.
   */
  static List<JsonNode> branches(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    collectBranches(node, out);
    return out;
  }

  private static void collectBranches(JsonNode node, List<JsonNode> out) {
    if (isNoValue(node)) {
      return;
    }
    if (isFunction(node, "Fn::If") && node.get("Fn::If").size() == 3) {
      collectBranches(node.get("Fn::If").get(1), out);
      collectBranches(node.get("Fn::If").get(2), out);
      return;
    }
    out.add(node);
  }

  /**
   * The strings a value can render to, with what is only known at deploy time as placeholders:
   * {@code Ref X} is {@code ${X}}, {@code GetAtt X.A} is {@code ${X.A}}, Fn::Sub keeps its template
   * with its local variables rendered in, Fn::Join joins, Fn::If gives both branches, anything else
   * is {@link #UNKNOWN}.
   */
  static List<String> render(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (node.isValueNode()) {
      return List.of(node.asText());
    }
    Optional<String> fn = function(node);
    if (fn.isEmpty()) {
      return List.of(UNKNOWN);
    }
    JsonNode arg = node.get(fn.get());
    switch (fn.get()) {
      case "Ref":
        return isNoValue(node) ? List.of() : List.of("${" + arg.asText() + "}");
      case "Fn::GetAtt":
        if (arg.isArray() && arg.size() == 2 && arg.get(1).isTextual()) {
          return List.of("${" + arg.get(0).asText() + "." + arg.get(1).asText() + "}");
        }
        return List.of(UNKNOWN);
      case "Fn::If":
        {
          List<String> out = new ArrayList<>();
          for (JsonNode branch : branches(node)) {
            out.addAll(render(branch));
          }
          return out;
        }
      case "Fn::Sub":
        return renderSub(arg);
      case "Fn::Join":
        return renderJoin(arg);
      default:
        return List.of(UNKNOWN);
    }
  }

  private static List<String> renderSub(JsonNode arg) {
    if (arg.isTextual()) {
      return List.of(arg.asText());
    }
    if (!arg.isArray() || arg.size() != 2 || !arg.get(0).isTextual()) {
      return List.of(UNKNOWN);
    }
    List<String> results = List.of(arg.get(0).asText());
    for (Map.Entry<String, JsonNode> var : iterable(arg.get(1))) {
      List<String> next = new ArrayList<>();
      for (String template : results) {
        for (String value : render(var.getValue())) {
          next.add(template.replace("${" + var.getKey() + "}", value));
        }
      }
      results = next;
    }
    return results;
  }

  private static List<String> renderJoin(JsonNode arg) {
    if (!arg.isArray() || arg.size() != 2 || !arg.get(1).isArray()) {
      return List.of(UNKNOWN);
    }
    String delimiter = arg.get(0).asText();
    List<String> results = List.of("");
    boolean first = true;
    for (JsonNode part : arg.get(1)) {
      List<String> next = new ArrayList<>();
      for (String prefix : results) {
        for (String value : render(part)) {
          next.add(first ? value : prefix + delimiter + value);
        }
      }
      results = next;
      first = false;
    }
    return results;
  }

  /** The names in {@code ${...}} of an Fn::Sub template, without {@code ${!...}} literals. */
  static List<String> subVariables(String template) {
    List<String> names = new ArrayList<>();
    Matcher m = SUB_VARIABLE.matcher(template);
    while (m.find()) {
      names.add(m.group(1).trim());
    }
    return names;
  }

  /** Whether a rendered string has {@code *} outside {@code ${...}} placeholders. */
  static boolean hasLiteralWildcard(String rendered) {
    return SUB_VARIABLE.matcher(rendered).replaceAll("").contains("*");
  }

  static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }
}
