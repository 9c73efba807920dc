package io.cdckinesis.local.faults.internal;

import io.cdckinesis.local.faults.FaultOperation;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Which AWS call an HTTP request is, read from the request alone (the HTTP layer sees no SDK
 * request objects): Kinesis by its {@code X-Amz-Target} header, S3 by the {@code api/S3#} the SDK
 * puts in every User-Agent, and the S3 operation by method, path and query.
 *
 * @param operation the operation faults may hit, or null for every other call (never touched)
 * @param objectKey for S3 object calls, {@code host:port/bucket/key} as sent; else null
 */
public record AwsCall(FaultOperation operation, String objectKey) {

  private static final AwsCall OTHER = new AwsCall(null, null);
  private static final String PUT_RECORDS_TARGET = "Kinesis_20131202.PutRecords";

  public static AwsCall classify(SdkHttpRequest request) {
    String target = request.firstMatchingHeader("X-Amz-Target").orElse(null);
    if (target != null) {
      return target.equals(PUT_RECORDS_TARGET)
          ? new AwsCall(FaultOperation.PUT_RECORDS, null)
          : OTHER;
    }
    if (!request.firstMatchingHeader("User-Agent").orElse("").contains("api/S3#")) {
      return OTHER;
    }
    // Path-style addressing (as LocalS3 clients use): /bucket/key; a bucket alone is no object.
    String path = request.encodedPath();
    int slash = path == null ? -1 : path.indexOf('/', 1);
    if (slash < 0 || slash == path.length() - 1) {
      return OTHER;
    }
    String key = request.host() + ":" + request.port() + path;
    Map<String, List<String>> query = request.rawQueryParameters();
    if (request.method() == SdkHttpMethod.GET && onlyGetObjectParameters(query)) {
      return new AwsCall(FaultOperation.GET_OBJECT, key);
    }
    if (request.method() == SdkHttpMethod.PUT
        && query.isEmpty()
        && request.firstMatchingHeader("x-amz-copy-source").isEmpty()) {
      return new AwsCall(FaultOperation.PUT_OBJECT, key);
    }
    return OTHER;
  }

  /** GetObject takes these; any other query parameter names a sub-resource (?acl, ?tagging...). */
  private static boolean onlyGetObjectParameters(Map<String, List<String>> query) {
    for (String name : query.keySet()) {
      boolean getObject =
          name.equals("versionId")
              || name.equals("partNumber")
              || name.startsWith("response-")
              || (name.equals("x-id") && query.get(name).equals(List.of("GetObject")));
      if (!getObject) {
        return false;
      }
    }
    return true;
  }
}
