package io.cdckinesis.pipeline;

import java.util.Objects;

/**
 * An object an event named: a hint that its table may have work, never the truth about what is
 * pending (the producer lists the table's folder).
 *
 * @param bucket the bucket
 * @param key the key, URL-decoded
 * @param removed whether the event said the object was deleted by someone (not by a lifecycle
 *     rule): only such events may reveal a truncated or dropped table
 */
public record ObjectHint(String bucket, String key, boolean removed) {

  public ObjectHint {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }

  public static ObjectHint created(String bucket, String key) {
    return new ObjectHint(bucket, key, false);
  }

  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
