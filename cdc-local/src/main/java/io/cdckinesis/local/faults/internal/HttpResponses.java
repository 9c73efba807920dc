package io.cdckinesis.local.faults.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpResponse;

/** Responses the injector answers itself, shaped as Kinesis sends them. */
public final class HttpResponses {

  static final String JSON_1_1 = "application/x-amz-json-1.1";

  private HttpResponses() {}

  /** A 500 InternalFailure, as Kinesis answers a call it failed to process. */
  public static HttpExecuteResponse kinesisInternalFailure() {
    byte[] body =
        ("{\"__type\":\"InternalFailure\",\"message\":\"Internal service failure."
                + " (injected fault)\"}")
            .getBytes(StandardCharsets.UTF_8);
    return json(500, body, "InternalFailure");
  }

  /** A 200 with this JSON body. */
  public static HttpExecuteResponse kinesisOk(byte[] body) {
    return json(200, body, null);
  }

  private static HttpExecuteResponse json(int status, byte[] body, String errorType) {
    SdkHttpResponse.Builder r =
        SdkHttpResponse.builder()
            .statusCode(status)
            .putHeader("Content-Type", JSON_1_1)
            .putHeader("Content-Length", Integer.toString(body.length))
            .putHeader("x-amzn-RequestId", UUID.randomUUID().toString());
    if (errorType != null) {
      r.putHeader("x-amzn-ErrorType", errorType);
    }
    return HttpExecuteResponse.builder()
        .response(r.build())
        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
        .build();
  }
}
