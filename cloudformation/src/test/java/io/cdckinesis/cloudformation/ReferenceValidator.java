package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks what the template refers to: every {@code Ref}, {@code Fn::GetAtt} and {@code Fn::Sub}
 * variable names a parameter, a resource or a pseudo parameter; every GetAtt attribute exists for
 * the resource's type in the spec; every condition named (resource Condition, Fn::If, Condition
 * function, Output Condition) is defined; DependsOn and Fn::FindInMap targets exist. Also, since
 * CloudFormation rejects them at deploy time: a reference to a resource that has a Condition must
 * sit where that condition holds (the same resource/output condition or an Fn::If branch); and
 * every parameter and condition is used.
 */
final class ReferenceValidator {

  private final ServiceSpec spec;

  ReferenceValidator(ServiceSpec spec) {
    this.spec = spec;
  }

  List<String> validate(CfnTemplate template) {
    return new Run(template).validate();
  }

  private final class Run {
    final CfnTemplate t;
    final List<String> problems = new ArrayList<>();
    final Set<String> usedParameters = new HashSet<>();
    final Set<String> usedConditions = new HashSet<>();

    Run(CfnTemplate t) {
      this.t = t;
    }

    List<String> validate() {
      for (Map.Entry<String, JsonNode> c : Intrinsics.iterable(t.conditions())) {
        walkCondition("Conditions." + c.getKey(), c.getValue());
      }
      for (Map.Entry<String, JsonNode> r : Intrinsics.iterable(t.resources())) {
        String path = "Resources." + r.getKey();
        JsonNode resource = r.getValue();
        Set<String> active = new HashSet<>();
        CfnTemplate.condition(resource)
            .ifPresent(c -> active.add(useCondition(path + ".Condition", c)));
        checkDependsOn(path, resource.path("DependsOn"), active);
        walk(path + ".Properties", resource.path("Properties"), active);
        walk(path + ".Metadata", resource.path("Metadata"), active);
      }
      for (Map.Entry<String, JsonNode> o : Intrinsics.iterable(t.outputs())) {
        String path = "Outputs." + o.getKey();
        Set<String> active = new HashSet<>();
        JsonNode condition = o.getValue().path("Condition");
        if (condition.isTextual()) {
          active.add(useCondition(path + ".Condition", condition.asText()));
        }
        walk(path + ".Value", o.getValue().path("Value"), active);
        walk(path + ".Export", o.getValue().path("Export"), active);
      }
      t.parameters()
          .fieldNames()
          .forEachRemaining(
              p -> {
                if (!usedParameters.contains(p)) {
                  problems.add("Parameters." + p + ": parameter is never used");
                }
              });
      t.conditions()
          .fieldNames()
          .forEachRemaining(
              c -> {
                if (!usedConditions.contains(c)) {
                  problems.add("Conditions." + c + ": condition is never used");
                }
              });
      return problems;
    }

    private String useCondition(String path, String name) {
      if (!t.conditions().has(name)) {
        problems.add(path + ": condition " + name + " is not defined");
      }
      usedConditions.add(name);
      return name;
    }

    /** Conditions may refer to parameters, pseudo parameters and other conditions only. */
    private void walkCondition(String path, JsonNode node) {
      if (Intrinsics.isFunction(node, "Ref")) {
        String target = node.get("Ref").asText();
        if (t.parameters().has(target)) {
          usedParameters.add(target);
        } else if (!Intrinsics.PSEUDO_PARAMETERS.contains(target)) {
          problems.add(path + ": a condition can only Ref a parameter, not '" + target + "'");
        }
        return;
      }
      if (Intrinsics.isFunction(node, "Condition")) {
        useCondition(path, node.get("Condition").asText());
        return;
      }
      if (node.isContainerNode()) {
        for (JsonNode child : node) {
          walkCondition(path, child);
        }
      }
    }

    private void checkDependsOn(String path, JsonNode dependsOn, Set<String> active) {
      List<JsonNode> targets = new ArrayList<>();
      if (dependsOn.isTextual()) {
        targets.add(dependsOn);
      } else if (dependsOn.isArray()) {
        dependsOn.forEach(targets::add);
      }
      for (JsonNode target : targets) {
        String name = target.asText();
        if (!t.resources().has(name)) {
          problems.add(path + ".DependsOn: no resource " + name);
        } else {
          checkGuarded(path + ".DependsOn", name, active);
        }
      }
    }

    private void walk(String path, JsonNode node, Set<String> active) {
      if (node == null || node.isMissingNode()) {
        return;
      }
      Optional<String> fn = Intrinsics.function(node);
      if (fn.isPresent()) {
        JsonNode arg = node.get(fn.get());
        switch (fn.get()) {
          case "Ref" -> ref(path, arg.asText(), active);
          case "Fn::GetAtt" -> getAtt(path, arg, active);
          case "Fn::Sub" -> sub(path, arg, active);
          case "Fn::If" -> ifFunction(path, arg, active);
          case "Fn::FindInMap" -> {
            if (arg.isArray() && arg.size() >= 3 && arg.get(0).isTextual()) {
              if (!t.mappings().has(arg.get(0).asText())) {
                problems.add(path + ": Fn::FindInMap names no mapping " + arg.get(0).asText());
              }
            }
            walk(path, arg, active);
          }
          case "Condition" -> useCondition(path, arg.asText());
          default -> walk(path, arg, active);
        }
        return;
      }
      if (node.isObject()) {
        for (Map.Entry<String, JsonNode> e : Intrinsics.iterable(node)) {
          walk(path + "." + e.getKey(), e.getValue(), active);
        }
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          walk(path + "[" + i + "]", node.get(i), active);
        }
      }
    }

    private void ref(String path, String target, Set<String> active) {
      if (Intrinsics.PSEUDO_PARAMETERS.contains(target)) {
        return;
      }
      if (t.parameters().has(target)) {
        usedParameters.add(target);
      } else if (t.resources().has(target)) {
        checkGuarded(path, target, active);
      } else {
        problems.add(path + ": Ref to " + target + ", which is no parameter or resource");
      }
    }

    private void getAtt(String path, JsonNode arg, Set<String> active) {
      if (!arg.isArray() || arg.size() != 2 || !arg.get(0).isTextual()) {
        problems.add(path + ": Fn::GetAtt takes [resource, attribute]");
        return;
      }
      String resource = arg.get(0).asText();
      JsonNode attribute = arg.get(1);
      if (!attribute.isTextual()) {
        walk(path, attribute, active);
      }
      attribute(path, resource, attribute.isTextual() ? attribute.asText() : null, active);
    }

    private void attribute(String path, String resource, String attribute, Set<String> active) {
      Optional<String> type = t.typeOf(resource);
      if (type.isEmpty()) {
        problems.add(path + ": GetAtt of " + resource + ", which is no resource");
        return;
      }
      checkGuarded(path, resource, active);
      if (attribute == null) {
        return;
      }
      String ty = type.get();
      if (ty.startsWith("Custom::") || ty.equals("AWS::CloudFormation::CustomResource")) {
        return; // any attribute its provider returns
      }
      if (ty.equals("AWS::CloudFormation::Stack") && attribute.startsWith("Outputs.")) {
        return;
      }
      spec.resource(ty)
          .ifPresent(
              r -> {
                if (!r.attributes().contains(attribute)) {
                  problems.add(
                      path
                          + ": "
                          + ty
                          + " has no attribute "
                          + attribute
                          + " (it has "
                          + r.attributes()
                          + ")");
                }
              });
    }

    private void sub(String path, JsonNode arg, Set<String> active) {
      String template;
      Set<String> locals = new HashSet<>();
      if (arg.isTextual()) {
        template = arg.asText();
      } else if (arg.isArray() && arg.size() == 2 && arg.get(0).isTextual()) {
        template = arg.get(0).asText();
        arg.get(1).fieldNames().forEachRemaining(locals::add);
        walk(path, arg.get(1), active);
      } else {
        problems.add(path + ": Fn::Sub takes a string or [string, {variables}]");
        return;
      }
      for (String variable : Intrinsics.subVariables(template)) {
        if (locals.contains(variable) || Intrinsics.PSEUDO_PARAMETERS.contains(variable)) {
          continue;
        }
        int dot = variable.indexOf('.');
        if (dot > 0) {
          attribute(
              path + " ${" + variable + "}",
              variable.substring(0, dot),
              variable.substring(dot + 1),
              active);
        } else {
          ref(path + " ${" + variable + "}", variable, active);
        }
      }
    }

    private void ifFunction(String path, JsonNode arg, Set<String> active) {
      if (!arg.isArray() || arg.size() != 3 || !arg.get(0).isTextual()) {
        problems.add(path + ": Fn::If takes [condition, value if true, value if false]");
        return;
      }
      String condition = useCondition(path, arg.get(0).asText());
      Set<String> whenTrue = new HashSet<>(active);
      whenTrue.add(condition);
      walk(path, arg.get(1), whenTrue);
      walk(path, arg.get(2), active);
    }

    /** A conditional resource may be referred to only where its condition holds. */
    private void checkGuarded(String path, String resource, Set<String> active) {
      Optional<String> condition = CfnTemplate.condition(t.resources().path(resource));
      if (condition.isEmpty()) {
        return;
      }
      for (String a : active) {
        if (implies(a, condition.get(), 0)) {
          return;
        }
      }
      problems.add(
          path
              + ": refers to "
              + resource
              + ", which exists only if "
              + condition.get()
              + ", where that condition is not known to hold (use Fn::If)");
    }

    /** Whether condition {@code a} being true makes {@code c} true: same, or an Fn::And term. */
    private boolean implies(String a, String c, int depth) {
      if (a.equals(c)) {
        return true;
      }
      JsonNode definition = t.conditions().path(a);
      if (depth > 10 || !Intrinsics.isFunction(definition, "Fn::And")) {
        return false;
      }
      for (JsonNode term : definition.get("Fn::And")) {
        if (Intrinsics.isFunction(term, "Condition")
            && implies(term.get("Condition").asText(), c, depth + 1)) {
          return true;
        }
      }
      return false;
    }
  }
}
