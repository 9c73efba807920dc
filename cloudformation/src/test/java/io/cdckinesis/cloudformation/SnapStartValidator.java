package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wiring SnapStart needs. Lambda snapshots published versions only, so for every function with
 * {@code SnapStart: {ApplyOn: PublishedVersions}}:
 *
 * <ul>
 *   <li>it runs a Java runtime;
 *   <li>a version of it is published ({@code AWS::Lambda::Version}) with {@code DeletionPolicy} and
 *       {@code UpdateReplacePolicy} {@code Retain}: Lambda answers a publish with nothing changed
 *       with the existing version, which the replaced resource would otherwise delete under the
 *       alias;
 *   <li>an alias ({@code AWS::Lambda::Alias}) points at that version's {@code Version} attribute;
 *   <li>nothing invokes the unqualified function (that runs {@code $LATEST}, which has no
 *       snapshot): event source mappings, permissions, EventBridge rule targets and bucket
 *       notifications name the alias; an {@code EventInvokeConfig} has the alias's name as {@code
 *       Qualifier} and depends on the alias.
 * </ul>
 */
final class SnapStartValidator {

  private SnapStartValidator() {}

  static boolean hasSnapStart(JsonNode function) {
    return "PublishedVersions"
        .equals(CfnTemplate.properties(function).path("SnapStart").path("ApplyOn").asText());
  }

  /** Ids of the aliases of function {@code functionId}. */
  static List<String> aliasesOf(CfnTemplate t, String functionId) {
    return new ArrayList<>(aliases(t, functionId).keySet());
  }

  /** Names (literal) of the aliases of function {@code functionId}. */
  static List<String> aliasNamesOf(CfnTemplate t, String functionId) {
    List<String> names = new ArrayList<>();
    aliases(t, functionId)
        .values()
        .forEach(a -> names.add(CfnTemplate.properties(a).path("Name").asText()));
    return names;
  }

  private static Map<String, JsonNode> aliases(CfnTemplate t, String functionId) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    t.resourcesOfType("AWS::Lambda::Alias")
        .forEach(
            (id, alias) -> {
              if (refersTo(CfnTemplate.properties(alias).path("FunctionName"), functionId)) {
                out.put(id, alias);
              }
            });
    return out;
  }

  /** A Ref to {@code id}, or a GetAtt of its Arn. */
  private static boolean refersTo(JsonNode node, String id) {
    if (Intrinsics.isFunction(node, "Ref")) {
      return id.equals(node.get("Ref").asText());
    }
    if (Intrinsics.isFunction(node, "Fn::GetAtt")) {
      JsonNode arg = node.get("Fn::GetAtt");
      String target = arg.isArray() ? arg.path(0).asText() : arg.asText().split("\\.")[0];
      return id.equals(target);
    }
    return false;
  }

  static List<String> validate(CfnTemplate t) {
    List<String> problems = new ArrayList<>();
    Map<String, JsonNode> snapStart = new LinkedHashMap<>();
    t.resourcesOfType("AWS::Lambda::Function")
        .forEach(
            (id, fn) -> {
              if (hasSnapStart(fn)) {
                snapStart.put(id, fn);
              }
            });
    snapStart.forEach((id, fn) -> function(t, id, fn, problems));
    for (String id : snapStart.keySet()) {
      triggers(t, id, problems);
    }
    return problems;
  }

  private static void function(CfnTemplate t, String id, JsonNode fn, List<String> problems) {
    String path = "Resources." + id;
    if (!CfnTemplate.properties(fn).path("Runtime").asText().startsWith("java")) {
      problems.add(path + ": SnapStart here is for a Java runtime");
    }
    List<String> versions = new ArrayList<>();
    t.resourcesOfType("AWS::Lambda::Version")
        .forEach(
            (vid, v) -> {
              if (refersTo(CfnTemplate.properties(v).path("FunctionName"), id)) {
                versions.add(vid);
                for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
                  if (!"Retain".equals(v.path(policy).asText())) {
                    problems.add(
                        "Resources."
                            + vid
                            + ": "
                            + policy
                            + " must be Retain (a publish with nothing changed returns the"
                            + " version the alias uses, which the replaced resource would delete)");
                  }
                }
              }
            });
    if (versions.isEmpty()) {
      problems.add(path + ": SnapStart without an AWS::Lambda::Version: nothing is snapshotted");
      return;
    }
    boolean aliased = false;
    for (JsonNode alias : aliases(t, id).values()) {
      JsonNode version = CfnTemplate.properties(alias).path("FunctionVersion");
      for (String v : versions) {
        aliased |=
            Intrinsics.isFunction(version, "Fn::GetAtt")
                && Intrinsics.render(version).contains("${" + v + ".Version}");
      }
    }
    if (!aliased) {
      problems.add(
          path
              + ": no AWS::Lambda::Alias points at its published version (FunctionVersion:"
              + " !GetAtt <Version>.Version)");
    }
  }

  private static void triggers(CfnTemplate t, String id, List<String> problems) {
    String unqualified = " invokes the unqualified function " + id + " ($LATEST, no snapshot)";
    t.resourcesOfType("AWS::Lambda::EventSourceMapping")
        .forEach(
            (mid, m) -> {
              if (refersTo(CfnTemplate.properties(m).path("FunctionName"), id)) {
                problems.add(
                    "Resources." + mid + ".FunctionName" + unqualified + "; name its alias");
              }
            });
    t.resourcesOfType("AWS::Lambda::Permission")
        .forEach(
            (pid, p) -> {
              if (refersTo(CfnTemplate.properties(p).path("FunctionName"), id)) {
                problems.add(
                    "Resources."
                        + pid
                        + ".FunctionName: permits"
                        + unqualified
                        + "; name its alias");
              }
            });
    t.resourcesOfType("AWS::Events::Rule")
        .forEach(
            (rid, r) -> {
              for (JsonNode target : CfnTemplate.properties(r).path("Targets")) {
                if (refersTo(target.path("Arn"), id)) {
                  problems.add("Resources." + rid + ".Targets" + unqualified + "; name its alias");
                }
              }
            });
    t.resourcesOfType("AWS::S3::Bucket")
        .forEach(
            (bid, b) -> {
              for (JsonNode c :
                  CfnTemplate.properties(b)
                      .path("NotificationConfiguration")
                      .path("LambdaConfigurations")) {
                if (refersTo(c.path("Function"), id)) {
                  problems.add(
                      "Resources."
                          + bid
                          + ".NotificationConfiguration"
                          + unqualified
                          + "; name its alias");
                }
              }
            });
    List<String> aliasNames = aliasNamesOf(t, id);
    List<String> aliasIds = aliasesOf(t, id);
    t.resourcesOfType("AWS::Lambda::EventInvokeConfig")
        .forEach(
            (cid, c) -> {
              JsonNode props = CfnTemplate.properties(c);
              if (!refersTo(props.path("FunctionName"), id)) {
                return;
              }
              String qualifier = props.path("Qualifier").asText();
              if (!aliasNames.contains(qualifier)) {
                problems.add(
                    "Resources."
                        + cid
                        + ".Qualifier '"
                        + qualifier
                        + "' is not an alias of "
                        + id
                        + " "
                        + aliasNames
                        + ": the alias's asynchronous invocations would have no retry settings");
              }
              List<String> dependsOn = new ArrayList<>();
              JsonNode d = c.path("DependsOn");
              (d.isArray() ? d : List.of(d)).forEach(n -> dependsOn.add(n.asText()));
              if (aliasIds.stream().noneMatch(dependsOn::contains)) {
                problems.add(
                    "Resources."
                        + cid
                        + ": DependsOn the alias it qualifies (the Qualifier is a plain name)");
              }
            });
  }
}
