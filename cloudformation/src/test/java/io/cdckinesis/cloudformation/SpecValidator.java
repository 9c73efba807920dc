package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdckinesis.cloudformation.ServiceSpec.ListOf;
import io.cdckinesis.cloudformation.ServiceSpec.MapOf;
import io.cdckinesis.cloudformation.ServiceSpec.Primitive;
import io.cdckinesis.cloudformation.ServiceSpec.Property;
import io.cdckinesis.cloudformation.ServiceSpec.Structure;
import io.cdckinesis.cloudformation.ServiceSpec.Type;
import io.cdckinesis.cloudformation.ServiceSpec.TypeRef;
import io.cdckinesis.cloudformation.ServiceSpec.Union;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks resources against the resource specification: the type exists; every property name exists,
 * recursively into property types; required properties are present; values have the spec's shape
 * (object, list, map or scalar). A value given by an intrinsic function is checked where the
 * function's result is known: both branches of {@code Fn::If}; others are taken on trust, since
 * their value exists only at deploy time.
 */
final class SpecValidator {

  private static final Set<String> RESOURCE_KEYS =
      Set.of(
          "Type",
          "Properties",
          "DependsOn",
          "Condition",
          "Metadata",
          "DeletionPolicy",
          "UpdateReplacePolicy",
          "CreationPolicy",
          "UpdatePolicy");

  private final ServiceSpec spec;

  SpecValidator(ServiceSpec spec) {
    this.spec = spec;
  }

  /** The problems found, each naming where (Resources.Id.Properties.Path) and why. */
  List<String> validate(CfnTemplate template) {
    List<String> problems = new ArrayList<>();
    if (template.resources().isEmpty()) {
      problems.add("Resources: a template needs at least one resource");
    }
    for (Map.Entry<String, JsonNode> e : Intrinsics.iterable(template.resources())) {
      validateResource("Resources." + e.getKey(), e.getValue(), problems);
    }
    return problems;
  }

  private void validateResource(String path, JsonNode resource, List<String> problems) {
    if (!resource.isObject()) {
      problems.add(path + ": a resource is a mapping");
      return;
    }
    resource
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!RESOURCE_KEYS.contains(key)) {
                problems.add(path + ": unknown resource attribute '" + key + "'");
              }
            });
    JsonNode typeNode = resource.path("Type");
    if (!typeNode.isTextual()) {
      problems.add(path + ": Type is missing");
      return;
    }
    String type = typeNode.asText();
    if (type.startsWith("Custom::") || type.equals("AWS::CloudFormation::CustomResource")) {
      return; // the properties of a custom resource are its provider's business
    }
    Optional<ServiceSpec.Resource> spec = this.spec.resource(type);
    if (spec.isEmpty()) {
      problems.add(path + ": resource type " + type + " is not in the resource specification");
      return;
    }
    JsonNode properties = resource.path("Properties");
    if (!properties.isMissingNode() && !properties.isObject()) {
      problems.add(path + ".Properties: expected a mapping");
      return;
    }
    checkObject(path + ".Properties", type, properties, spec.get().properties(), problems);
  }

  private void checkObject(
      String path,
      String owner,
      JsonNode object,
      Map<String, Property> allowed,
      List<String> problems) {
    for (Map.Entry<String, JsonNode> e : Intrinsics.iterable(object)) {
      Property property = allowed.get(e.getKey());
      if (property == null) {
        problems.add(path + "." + e.getKey() + ": " + owner + " has no property " + e.getKey());
        continue;
      }
      checkValue(path + "." + e.getKey(), e.getValue(), property.types(), problems);
    }
    for (Property property : allowed.values()) {
      if (property.required() && !object.has(property.name())) {
        problems.add(path + ": required property " + property.name() + " of " + owner + " missing");
      }
    }
  }

  /** Checks a value against the property's types: fine when one of them accepts it. */
  private void checkValue(String path, JsonNode value, List<Type> types, List<String> problems) {
    if (Intrinsics.isFunction(value, "Fn::If")) {
      JsonNode args = value.get("Fn::If");
      if (!args.isArray() || args.size() != 3) {
        problems.add(path + ": Fn::If takes [condition, value if true, value if false]");
        return;
      }
      for (int i = 1; i <= 2; i++) {
        if (!Intrinsics.isNoValue(args.get(i))) {
          checkValue(path + "(Fn::If branch " + i + ")", args.get(i), types, problems);
        }
      }
      return;
    }
    if (Intrinsics.function(value).isPresent()) {
      return; // resolved at deploy time
    }
    List<String> firstProblems = null;
    for (Type type : types) {
      List<String> attempt = new ArrayList<>();
      checkType(path, value, type, attempt);
      if (attempt.isEmpty()) {
        return;
      }
      if (firstProblems == null) {
        firstProblems = attempt;
      }
    }
    problems.addAll(firstProblems);
  }

  private void checkType(String path, JsonNode value, Type type, List<String> problems) {
    if (Intrinsics.function(value).isPresent()) {
      checkValue(path, value, List.of(type), problems);
      return;
    }
    if (type instanceof Primitive p) {
      checkPrimitive(path, value, p.kind(), problems);
    } else if (type instanceof TypeRef ref) {
      Structure s = spec.structure(ref.id());
      if (!value.isObject()) {
        problems.add(path + ": expected a " + s.name() + " mapping, got " + describe(value));
      } else {
        checkObject(path, s.name(), value, s.properties(), problems);
      }
    } else if (type instanceof ListOf list) {
      if (!value.isArray()) {
        problems.add(path + ": expected a list, got " + describe(value));
        return;
      }
      for (int i = 0; i < value.size(); i++) {
        JsonNode element = value.get(i);
        if (!Intrinsics.isNoValue(element)) {
          checkValue(path + "[" + i + "]", element, List.of(list.element()), problems);
        }
      }
    } else if (type instanceof MapOf map) {
      if (!value.isObject()) {
        problems.add(path + ": expected a mapping, got " + describe(value));
        return;
      }
      for (Map.Entry<String, JsonNode> e : Intrinsics.iterable(value)) {
        if (!Intrinsics.isNoValue(e.getValue())) {
          checkValue(path + "." + e.getKey(), e.getValue(), List.of(map.element()), problems);
        }
      }
    } else if (type instanceof Union union) {
      checkValue(path, value, union.types(), problems);
    }
  }

  private static void checkPrimitive(
      String path, JsonNode value, String kind, List<String> problems) {
    switch (kind) {
      case "json" -> {
        if (!value.isObject() && !value.isTextual()) {
          problems.add(path + ": expected a JSON object, got " + describe(value));
        }
      }
      case "tag" -> {
        if (!value.isObject() || !value.has("Key") || !value.has("Value")) {
          problems.add(path + ": expected a tag {Key, Value}, got " + describe(value));
        }
      }
      case "boolean" -> {
        boolean ok =
            value.isBoolean()
                || (value.isTextual() && Set.of("true", "false").contains(value.asText()));
        if (!ok) {
          problems.add(path + ": expected a boolean, got " + describe(value));
        }
      }
      case "integer", "number" -> {
        boolean ok = value.isNumber() || (value.isTextual() && isNumber(value.asText()));
        if (!ok) {
          problems.add(path + ": expected a number, got " + describe(value));
        }
      }
      default -> {
        // string, date-time and the like: any scalar, CloudFormation passes it on as text
        if (!value.isValueNode() || value.isNull()) {
          problems.add(path + ": expected a " + kind + " value, got " + describe(value));
        }
      }
    }
  }

  private static boolean isNumber(String text) {
    try {
      new java.math.BigDecimal(text.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isNull()) {
      return "null";
    }
    return "'" + value.asText() + "'";
  }
}
