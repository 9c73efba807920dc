package io.cdckinesis.s3.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.RejectedRow;

/**
 * One rejected row as one JSON line (newlines inside the raw text are escaped by JSON):
 *
 * <pre>{@code
 * {"objectUri":"s3://b/dbo/T/LOAD00000001.csv","row":17,"line":18,"reason":"WRONG_FIELD_COUNT",
 *  "message":"expected 3 fields, found 4","rawText":"I,7,Ann,extra"}
 * }</pre>
 */
public final class RejectLines {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RejectLines() {}

  public static byte[] encode(RejectedRow r) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("objectUri", r.objectUri());
    node.put("row", r.row());
    node.put("line", r.line());
    node.put("reason", r.reason().name());
    node.put("message", r.message());
    node.put("rawText", r.rawText());
    try {
      byte[] json = MAPPER.writeValueAsBytes(node);
      byte[] line = new byte[json.length + 1];
      System.arraycopy(json, 0, line, 0, json.length);
      line[json.length] = '\n';
      return line;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a rejected row as JSON", e);
    }
  }
}
