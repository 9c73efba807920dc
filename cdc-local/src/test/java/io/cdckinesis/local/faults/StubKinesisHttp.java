package io.cdckinesis.local.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * A Kinesis that answers from memory (no network), in the JSON protocol, with the x-amz-crc32
 * header real Kinesis responses may carry: PutRecords entries get sequence numbers in order (or the
 * error code of {@link #failWith}), every other call gets {@code {}}. Records what reached it.
 */
final class StubKinesisHttp implements SdkHttpClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<String> targets = new ArrayList<>();
  final List<List<String>> putRecordsKeys = new ArrayList<>();
  final List<String> contentLengths = new ArrayList<>();
  final List<String> payloadHashes = new ArrayList<>();
  final List<byte[]> bodies = new ArrayList<>();

  /** When set, every entry of the partition key "fail" gets this error code. */
  String failWith;

  /** When set, the CRC header is this value instead of the right one. */
  Long wrongCrc;

  boolean closed;

  @Override
  public synchronized ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        byte[] body;
        try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
          body = in.readAllBytes();
        }
        synchronized (StubKinesisHttp.this) {
          String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
          targets.add(target.substring(target.indexOf('.') + 1));
          contentLengths.add(
              request.httpRequest().firstMatchingHeader("Content-Length").orElse(null));
          payloadHashes.add(
              request.httpRequest().firstMatchingHeader("x-amz-content-sha256").orElse(null));
          bodies.add(body);
          ObjectNode answer = JSON.createObjectNode();
          if (target.endsWith(".PutRecords")) {
            List<String> keys = new ArrayList<>();
            ArrayNode results = answer.putArray("Records");
            int failed = 0;
            for (JsonNode r : JSON.readTree(body).get("Records")) {
              String key = r.get("PartitionKey").asText();
              keys.add(key);
              if (failWith != null && key.equals("fail")) {
                failed++;
                results.addObject().put("ErrorCode", failWith).put("ErrorMessage", "stub");
              } else {
                results
                    .addObject()
                    .put("SequenceNumber", "seq-" + key)
                    .put("ShardId", "shardId-000000000000");
              }
            }
            answer.put("FailedRecordCount", failed);
            putRecordsKeys.add(keys);
          }
          byte[] out = JSON.writeValueAsBytes(answer);
          CRC32 crc = new CRC32();
          crc.update(out);
          return HttpExecuteResponse.builder()
              .response(
                  SdkHttpResponse.builder()
                      .statusCode(200)
                      .putHeader("Content-Type", "application/x-amz-json-1.1")
                      .putHeader("Content-Length", Integer.toString(out.length))
                      .putHeader("x-amzn-RequestId", "stub")
                      .putHeader(
                          "x-amz-crc32",
                          Long.toString(wrongCrc != null ? wrongCrc : crc.getValue()))
                      .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(out)))
              .build();
        }
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public void close() {
    closed = true;
  }
}
