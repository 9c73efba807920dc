package io.cdckinesis.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.lambda.ContinuationInvoker;
import io.cdckinesis.s3.S3ObjectRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Continues an object in a new invocation of the same function: an asynchronous invoke (Lambda
 * queues it durably and retries it on failure) whose payload is an S3 event for that one object,
 * exactly as S3 would send it. The new invocation finds the checkpoint and resumes.
 */
public final class SelfInvokingContinuation implements ContinuationInvoker {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LambdaClient lambda;
  private final String functionName;

  /**
   * Invokes the function by its unqualified name (the role may invoke exactly that function, not
   * its versions or aliases).
   */
  public SelfInvokingContinuation(LambdaClient lambda, Context context) {
    this.lambda = lambda;
    String name = context == null ? null : context.getFunctionName();
    this.functionName = name != null ? name : System.getenv("AWS_LAMBDA_FUNCTION_NAME");
  }

  @Override
  public void continueLater(List<S3ObjectRef> objects) {
    S3ObjectRef object = objects.get(0);
    if (functionName == null) {
      throw new CdcException(
          "cannot continue " + object.uri() + ": no function name in the context");
    }
    InvokeResponse r;
    try {
      r =
          lambda.invoke(
              b ->
                  b.functionName(functionName)
                      .invocationType(InvocationType.EVENT)
                      .payload(SdkBytes.fromByteArray(s3Event(objects))));
    } catch (SdkException e) {
      throw new CdcException("cannot queue the continuation of " + object.uri() + ": " + e, e);
    }
    if (r.statusCode() != 202) {
      throw new CdcException(
          "continuation of " + object.uri() + " not accepted: status " + r.statusCode());
    }
  }

  /**
   * An S3 ObjectCreated event with a record per object, shaped exactly as S3 sends it (every field
   * the Lambda runtime's event mapping reads), the key URL-encoded as S3 encodes it.
   */
  public static byte[] s3Event(List<S3ObjectRef> objects) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (S3ObjectRef object : objects) {
      addRecord(records.addObject(), object);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("JSON encoding to memory failed", e);
    }
  }

  private static void addRecord(ObjectNode record, S3ObjectRef object) {
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    String region = System.getenv("AWS_REGION");
    record.put("awsRegion", region == null ? "us-east-1" : region);
    record.put("eventTime", Instant.now().toString());
    record.put("eventName", "ObjectCreated:Put");
    record.putObject("userIdentity").put("principalId", "cdc-kinesis-continuation");
    record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
    ObjectNode response = record.putObject("responseElements");
    response.put("x-amz-request-id", "cdc-kinesis");
    response.put("x-amz-id-2", "cdc-kinesis");
    ObjectNode s3 = record.putObject("s3");
    s3.put("s3SchemaVersion", "1.0");
    s3.put("configurationId", "cdc-kinesis-continuation");
    ObjectNode bucket = s3.putObject("bucket");
    bucket.put("name", object.bucket());
    bucket.putObject("ownerIdentity").put("principalId", "cdc-kinesis");
    bucket.put("arn", "arn:aws:s3:::" + object.bucket());
    ObjectNode obj = s3.putObject("object");
    obj.put("key", encodeKey(object.key()));
    obj.put("size", 0);
    if (object.versionId() != null) {
      obj.put("versionId", object.versionId());
    }
    obj.put("sequencer", "0");
  }

  /** Form-encodes a key as S3 notifications do (space as +), keeping slashes readable. */
  public static String encodeKey(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
  }
}
