package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The project's security and robustness rules for the stack:
 *
 * <ul>
 *   <li>IAM identity policies (roles, policies): Allow statements name their actions (no {@code *},
 *       no {@code service:*}, no NotAction/NotResource); no {@code Resource "*"} except for actions
 *       AWS offers no resource-level permission for (the allow-list given, each with its reason);
 *       the only wildcard in a resource is the trailing {@code /*} of an S3 object ARN; S3 object
 *       actions name object ARNs and bucket actions bucket ARNs; CloudWatch Logs actions name only
 *       the log group of a function using the role; lambda:InvokeFunction names only a function
 *       using the role or one of its aliases (the producer continuing its own work), and only an
 *       alias when the function has SnapStart.
 *   <li>Buckets: default encryption, all four public access blocks, and a bucket policy denying
 *       requests without TLS.
 *   <li>Kinesis streams: KMS encryption. SQS queues: SSE-SQS or KMS.
 *   <li>Kinesis/DynamoDB event source mappings: ReportBatchItemFailures,
 *       BisectBatchOnFunctionError, bounded MaximumRetryAttempts and MaximumRecordAgeInSeconds, an
 *       OnFailure destination.
 *   <li>Functions log to a log group of this template with a retention.
 *   <li>DMS: replication instances not publicly accessible; endpoints without clear-text passwords;
 *       parameters named like a password have NoEcho.
 *   <li>Lambda permissions for AWS services name the SourceArn (and SourceAccount for S3).
 * </ul>
 */
final class SecurityValidator {

  private static final Set<String> SSE_ALGORITHMS = Set.of("AES256", "aws:kms", "aws:kms:dsse");
  private static final Set<String> S3_OBJECT_ACTIONS_WITHOUT_OBJECT_IN_NAME =
      Set.of("s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");

  private final Map<String, String> resourceStarAllowed;

  /**
   * @param resourceStarAllowed actions that may have {@code Resource "*"} because AWS offers no
   *     resource-level permission for them, each with the reason
   */
  SecurityValidator(Map<String, String> resourceStarAllowed) {
    this.resourceStarAllowed = Map.copyOf(resourceStarAllowed);
  }

  List<String> validate(CfnTemplate t) {
    List<String> problems = new ArrayList<>();
    identityPolicies(t, problems);
    buckets(t, problems);
    streamsAndQueues(t, problems);
    eventSourceMappings(t, problems);
    functions(t, problems);
    dms(t, problems);
    permissions(t, problems);
    return problems;
  }

  // ---------------------------------------------------------------------------------------------
  // IAM
  // ---------------------------------------------------------------------------------------------

  private void identityPolicies(CfnTemplate t, List<String> problems) {
    for (Map.Entry<String, JsonNode> e : t.resourcesOfType("AWS::IAM::Role").entrySet()) {
      JsonNode policies = CfnTemplate.properties(e.getValue()).path("Policies");
      int i = 0;
      for (JsonNode policy : policies) {
        for (JsonNode p : Intrinsics.branches(policy)) {
          String path = "Resources." + e.getKey() + ".Properties.Policies[" + i + "]";
          document(t, path, p.path("PolicyDocument"), Set.of(e.getKey()), problems);
        }
        i++;
      }
    }
    for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
      for (Map.Entry<String, JsonNode> e : t.resourcesOfType(type).entrySet()) {
        JsonNode props = CfnTemplate.properties(e.getValue());
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode role : props.path("Roles")) {
          if (Intrinsics.isFunction(role, "Ref")) {
            roles.add(role.get("Ref").asText());
          }
        }
        String path = "Resources." + e.getKey() + ".Properties";
        document(t, path, props.path("PolicyDocument"), roles, problems);
      }
    }
  }

  private void document(
      CfnTemplate t, String path, JsonNode document, Set<String> roles, List<String> problems) {
    JsonNode statements = document.path("Statement");
    List<JsonNode> list = new ArrayList<>();
    if (statements.isArray()) {
      statements.forEach(s -> list.addAll(Intrinsics.branches(s)));
    } else if (statements.isObject()) {
      list.addAll(Intrinsics.branches(statements));
    } else {
      problems.add(path + ".PolicyDocument: no Statement");
    }
    int i = 0;
    for (JsonNode statement : list) {
      String where = path + ".PolicyDocument.Statement[" + (i++) + "]";
      if (statement.has("Sid")) {
        where += " (" + statement.get("Sid").asText() + ")";
      }
      statement(t, where, statement, roles, problems);
    }
  }

  private void statement(
      CfnTemplate t, String where, JsonNode s, Set<String> roles, List<String> problems) {
    if (!"Allow".equals(s.path("Effect").asText())) {
      return;
    }
    if (s.has("NotAction") || s.has("NotResource")) {
      problems.add(where + ": NotAction/NotResource in an Allow statement grants too much");
    }
    List<String> actions = new ArrayList<>();
    JsonNode action = s.path("Action");
    for (JsonNode a : action.isArray() ? action : List.of(action)) {
      if (a.isTextual()) {
        actions.add(a.asText());
      } else {
        problems.add(where + ": actions must be literal strings");
      }
    }
    for (String a : actions) {
      if (a.contains("*")) {
        problems.add(where + ": wildcard action '" + a + "'; name the actions");
      }
    }
    List<String> resources = new ArrayList<>();
    JsonNode resource = s.path("Resource");
    if (resource.isMissingNode()) {
      problems.add(where + ": no Resource");
    }
    for (JsonNode r : resource.isArray() ? resource : List.of(resource)) {
      resources.addAll(Intrinsics.render(r));
    }
    for (String r : resources) {
      if (r.equals("*")) {
        List<String> notAllowed =
            actions.stream().filter(a -> !resourceStarAllowed.containsKey(a)).toList();
        if (!notAllowed.isEmpty()) {
          problems.add(
              where
                  + ": Resource \"*\" for "
                  + notAllowed
                  + ", which have resource-level permissions");
        }
      } else if (Intrinsics.hasLiteralWildcard(r) && !isObjectPattern(t, r)) {
        problems.add(
            where + ": wildcard resource '" + r + "'; only S3 object ARNs may end with /*");
      }
    }
    s3Shapes(t, where, actions, resources, problems);
    ownFunctionOnly(t, where, actions, resources, roles, problems);
    ownLogGroupOnly(t, where, actions, resources, roles, problems);
  }

  /** {@code <bucket ARN>/<prefix>/*} with no other wildcard. */
  private static boolean isObjectPattern(CfnTemplate t, String r) {
    return r.endsWith("/*")
        && !Intrinsics.hasLiteralWildcard(r.substring(0, r.length() - 2))
        && isObjectArn(t, r);
  }

  private static void s3Shapes(
      CfnTemplate t,
      String where,
      List<String> actions,
      List<String> resources,
      List<String> problems) {
    boolean objectActions =
        actions.stream()
            .anyMatch(
                a ->
                    a.startsWith("s3:")
                        && (a.contains("Object")
                            || S3_OBJECT_ACTIONS_WITHOUT_OBJECT_IN_NAME.contains(a)));
    boolean bucketActions = actions.stream().anyMatch(a -> a.startsWith("s3:ListBucket"));
    for (String r : resources) {
      if (objectActions && !(isObjectArn(t, r) && r.endsWith("/*"))) {
        problems.add(
            where + ": S3 object actions need object ARNs ending with /*, got '" + r + "'");
      }
      if (bucketActions && !isBucketArn(t, r)) {
        problems.add(where + ": S3 bucket actions need a bucket ARN, got '" + r + "'");
      }
    }
  }

  /** The part of an S3 ARN after {@code arn:<partition>:s3:::}, or null. */
  private static String s3Path(CfnTemplate t, String r) {
    for (String prefix : List.of("arn:${AWS::Partition}:s3:::", "arn:aws:s3:::")) {
      if (r.startsWith(prefix)) {
        return r.substring(prefix.length());
      }
    }
    // ${Bucket.Arn} of a bucket of this template
    if (r.startsWith("${") && r.indexOf(".Arn}") > 2) {
      String id = r.substring(2, r.indexOf(".Arn}"));
      if (t.typeOf(id).filter("AWS::S3::Bucket"::equals).isPresent()) {
        return "bucket" + r.substring(r.indexOf(".Arn}") + 5);
      }
    }
    return null;
  }

  private static boolean isObjectArn(CfnTemplate t, String r) {
    String path = s3Path(t, r);
    return path != null && path.indexOf('/') > 0;
  }

  private static boolean isBucketArn(CfnTemplate t, String r) {
    String path = s3Path(t, r);
    return path != null && !path.isEmpty() && path.indexOf('/') < 0;
  }

  /** Functions of this template whose Role is one of {@code roles}. */
  private static Map<String, JsonNode> functionsOf(CfnTemplate t, Set<String> roles) {
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    t.resourcesOfType("AWS::Lambda::Function")
        .forEach(
            (id, fn) -> {
              List<String> role = Intrinsics.render(CfnTemplate.properties(fn).path("Role"));
              for (String r : roles) {
                if (role.contains("${" + r + ".Arn}")) {
                  out.put(id, fn);
                }
              }
            });
    return out;
  }

  private static void ownFunctionOnly(
      CfnTemplate t,
      String where,
      List<String> actions,
      List<String> resources,
      Set<String> roles,
      List<String> problems) {
    if (!actions.contains("lambda:InvokeFunction")) {
      return;
    }
    Set<String> own = new LinkedHashSet<>();
    Set<String> unqualifiedSnapStart = new LinkedHashSet<>();
    functionsOf(t, roles)
        .forEach(
            (id, fn) -> {
              boolean snapStart = SnapStartValidator.hasSnapStart(fn);
              List<String> unqualified = new ArrayList<>();
              unqualified.add("${" + id + ".Arn}");
              for (String name :
                  Intrinsics.render(CfnTemplate.properties(fn).path("FunctionName"))) {
                String arn =
                    "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                        + name;
                unqualified.add(arn);
                for (String alias : SnapStartValidator.aliasNamesOf(t, id)) {
                  own.add(arn + ":" + alias);
                }
              }
              SnapStartValidator.aliasesOf(t, id).forEach(alias -> own.add("${" + alias + "}"));
              own.addAll(unqualified);
              if (snapStart) {
                unqualifiedSnapStart.addAll(unqualified);
              }
            });
    for (String r : resources) {
      if (!own.contains(r)) {
        problems.add(
            where
                + ": lambda:InvokeFunction on '"
                + r
                + "', which is not the ARN of a function using this role (or of its alias) "
                + own);
      } else if (unqualifiedSnapStart.contains(r)) {
        problems.add(
            where
                + ": lambda:InvokeFunction on '"
                + r
                + "', the unqualified function: with SnapStart, invoke its alias (the"
                + " unqualified ARN runs $LATEST, which has no snapshot)");
      }
    }
  }

  private static void ownLogGroupOnly(
      CfnTemplate t,
      String where,
      List<String> actions,
      List<String> resources,
      Set<String> roles,
      List<String> problems) {
    if (actions.stream().noneMatch(a -> a.startsWith("logs:"))) {
      return;
    }
    Set<String> own = new LinkedHashSet<>();
    functionsOf(t, roles)
        .values()
        .forEach(
            fn -> {
              JsonNode group = CfnTemplate.properties(fn).path("LoggingConfig").path("LogGroup");
              if (Intrinsics.isFunction(group, "Ref")) {
                own.add("${" + group.get("Ref").asText() + ".Arn}");
              }
            });
    for (String r : resources) {
      if (!own.contains(r)) {
        problems.add(
            where + ": logs permissions on '" + r + "', not the function's own log group " + own);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Data at rest and in transit
  // ---------------------------------------------------------------------------------------------

  private static void buckets(CfnTemplate t, List<String> problems) {
    Map<String, JsonNode> policies = t.resourcesOfType("AWS::S3::BucketPolicy");
    for (Map.Entry<String, JsonNode> e : t.resourcesOfType("AWS::S3::Bucket").entrySet()) {
      String path = "Resources." + e.getKey();
      JsonNode props = CfnTemplate.properties(e.getValue());
      JsonNode rules = props.path("BucketEncryption").path("ServerSideEncryptionConfiguration");
      if (!rules.isArray() || rules.isEmpty()) {
        problems.add(path + ": no BucketEncryption");
      }
      for (JsonNode rule : rules) {
        String algorithm = rule.path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText();
        if (!SSE_ALGORITHMS.contains(algorithm)) {
          problems.add(path + ": SSEAlgorithm '" + algorithm + "' is not one of " + SSE_ALGORITHMS);
        }
      }
      JsonNode block = props.path("PublicAccessBlockConfiguration");
      for (String flag :
          List.of(
              "BlockPublicAcls",
              "BlockPublicPolicy",
              "IgnorePublicAcls",
              "RestrictPublicBuckets")) {
        if (!isTrue(block.path(flag))) {
          problems.add(path + ": PublicAccessBlockConfiguration." + flag + " is not true");
        }
      }
      boolean tlsOnly =
          policies.values().stream()
              .map(CfnTemplate::properties)
              .filter(p -> refersTo(p.path("Bucket"), e.getKey()))
              .anyMatch(p -> deniesInsecureTransport(p.path("PolicyDocument")));
      if (!tlsOnly) {
        problems.add(path + ": no bucket policy denying aws:SecureTransport false (TLS only)");
      }
    }
  }

  private static boolean refersTo(JsonNode node, String id) {
    return Intrinsics.isFunction(node, "Ref") && id.equals(node.get("Ref").asText());
  }

  private static boolean deniesInsecureTransport(JsonNode document) {
    JsonNode statements = document.path("Statement");
    for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
      JsonNode secure = s.path("Condition").path("Bool").path("aws:SecureTransport");
      if ("Deny".equals(s.path("Effect").asText())
          && (secure.asText().equals("false"))
          && "*".equals(s.path("Principal").asText())) {
        return true;
      }
    }
    return false;
  }

  private static void streamsAndQueues(CfnTemplate t, List<String> problems) {
    t.resourcesOfType("AWS::Kinesis::Stream")
        .forEach(
            (id, stream) -> {
              JsonNode enc = CfnTemplate.properties(stream).path("StreamEncryption");
              if (!"KMS".equals(enc.path("EncryptionType").asText()) || !enc.has("KeyId")) {
                problems.add("Resources." + id + ": no StreamEncryption with KMS and a KeyId");
              }
            });
    t.resourcesOfType("AWS::SQS::Queue")
        .forEach(
            (id, queue) -> {
              JsonNode props = CfnTemplate.properties(queue);
              if (!isTrue(props.path("SqsManagedSseEnabled")) && !props.has("KmsMasterKeyId")) {
                problems.add(
                    "Resources." + id + ": queue not encrypted (SqsManagedSseEnabled or KMS)");
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // Lambda
  // ---------------------------------------------------------------------------------------------

  private static void eventSourceMappings(CfnTemplate t, List<String> problems) {
    t.resourcesOfType("AWS::Lambda::EventSourceMapping")
        .forEach(
            (id, esm) -> {
              String path = "Resources." + id;
              JsonNode props = CfnTemplate.properties(esm);
              boolean partial = false;
              for (JsonNode type : props.path("FunctionResponseTypes")) {
                partial |= "ReportBatchItemFailures".equals(type.asText());
              }
              if (!partial) {
                problems.add(path + ": FunctionResponseTypes lacks ReportBatchItemFailures");
              }
              if (!isTrue(props.path("BisectBatchOnFunctionError"))) {
                problems.add(path + ": BisectBatchOnFunctionError is not true");
              }
              bounded(
                  t,
                  path + ".MaximumRetryAttempts",
                  props.path("MaximumRetryAttempts"),
                  0,
                  10000,
                  problems);
              bounded(
                  t,
                  path + ".MaximumRecordAgeInSeconds",
                  props.path("MaximumRecordAgeInSeconds"),
                  60,
                  604800,
                  problems);
              if (props
                  .path("DestinationConfig")
                  .path("OnFailure")
                  .path("Destination")
                  .isMissingNode()) {
                problems.add(path + ": no DestinationConfig.OnFailure.Destination");
              }
            });
  }

  /**
   * A literal number in [min, max], or a Ref to a Number parameter whose MinValue and MaxValue keep
   * it there (so -1, "infinite", cannot be given).
   */
  private static void bounded(
      CfnTemplate t, String path, JsonNode value, long min, long max, List<String> problems) {
    if (value.isMissingNode()) {
      problems.add(path + ": not set (the default is unbounded)");
      return;
    }
    for (JsonNode v : Intrinsics.branches(value)) {
      if (v.isNumber() || (v.isTextual() && v.asText().matches("-?\\d+"))) {
        long n = v.asLong();
        if (n < min || n > max) {
          problems.add(path + ": " + n + " is outside [" + min + ", " + max + "]");
        }
      } else if (Intrinsics.isFunction(v, "Ref") && t.parameters().has(v.get("Ref").asText())) {
        JsonNode p = t.parameters().get(v.get("Ref").asText());
        boolean ok =
            "Number".equals(p.path("Type").asText())
                && p.has("MinValue")
                && p.has("MaxValue")
                && p.path("MinValue").asLong() >= min
                && p.path("MaxValue").asLong() <= max
                && p.path("Default").asLong(min - 1) >= min
                && p.path("Default").asLong(max + 1) <= max;
        if (!ok) {
          problems.add(
              path
                  + ": parameter "
                  + v.get("Ref").asText()
                  + " must be a Number with MinValue, MaxValue and Default within ["
                  + min
                  + ", "
                  + max
                  + "]");
        }
      } else {
        problems.add(path + ": cannot tell that the value is bounded");
      }
    }
  }

  private static void functions(CfnTemplate t, List<String> problems) {
    t.resourcesOfType("AWS::Lambda::Function")
        .forEach(
            (id, fn) -> {
              JsonNode group = CfnTemplate.properties(fn).path("LoggingConfig").path("LogGroup");
              String path = "Resources." + id;
              if (!Intrinsics.isFunction(group, "Ref")) {
                problems.add(
                    path
                        + ": LoggingConfig.LogGroup does not refer to a log group of this template");
                return;
              }
              String groupId = group.get("Ref").asText();
              JsonNode logGroup = t.resources().path(groupId);
              if (!"AWS::Logs::LogGroup".equals(logGroup.path("Type").asText())) {
                problems.add(
                    path
                        + ": LoggingConfig.LogGroup "
                        + groupId
                        + " is not an AWS::Logs::LogGroup");
              } else if (!CfnTemplate.properties(logGroup).has("RetentionInDays")) {
                problems.add("Resources." + groupId + ": log group without RetentionInDays");
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // DMS and permissions
  // ---------------------------------------------------------------------------------------------

  private static void dms(CfnTemplate t, List<String> problems) {
    t.resourcesOfType("AWS::DMS::ReplicationInstance")
        .forEach(
            (id, ri) -> {
              JsonNode pub = CfnTemplate.properties(ri).path("PubliclyAccessible");
              if (!(pub.isBoolean() && !pub.asBoolean()) && !"false".equals(pub.asText())) {
                problems.add("Resources." + id + ": PubliclyAccessible must be false");
              }
            });
    t.resourcesOfType("AWS::DMS::Endpoint")
        .forEach(
            (id, endpoint) -> {
              JsonNode props = CfnTemplate.properties(endpoint);
              if (props.has("Password")) {
                problems.add(
                    "Resources." + id + ": clear-text Password; use a Secrets Manager secret");
              }
              props
                  .fields()
                  .forEachRemaining(
                      e -> {
                        if (e.getKey().endsWith("Settings") && e.getValue().has("Password")) {
                          problems.add(
                              "Resources."
                                  + id
                                  + "."
                                  + e.getKey()
                                  + ": clear-text Password; use a secret");
                        }
                      });
            });
    t.parameters()
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().toLowerCase(java.util.Locale.ROOT).contains("password")
                  && !isTrue(e.getValue().path("NoEcho"))) {
                problems.add(
                    "Parameters." + e.getKey() + ": a password parameter needs NoEcho: true");
              }
            });
  }

  private static void permissions(CfnTemplate t, List<String> problems) {
    t.resourcesOfType("AWS::Lambda::Permission")
        .forEach(
            (id, permission) -> {
              JsonNode props = CfnTemplate.properties(permission);
              String principal = props.path("Principal").asText();
              if (principal.endsWith(".amazonaws.com") && !props.has("SourceArn")) {
                problems.add("Resources." + id + ": a service permission needs SourceArn");
              }
              if (principal.equals("s3.amazonaws.com") && !props.has("SourceAccount")) {
                problems.add(
                    "Resources."
                        + id
                        + ": an S3 permission needs SourceAccount (bucket ARNs name no account)");
              }
            });
  }

  private static boolean isTrue(JsonNode node) {
    return (node.isBoolean() && node.asBoolean()) || "true".equals(node.asText());
  }
}
