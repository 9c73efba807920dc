package io.cdckinesis.kinesis.internal;

import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;

/** The target stream, by name or by ARN (an ARN also reaches a stream in another account). */
public record StreamRef(String name, String arn) {

  public StreamRef {
    if ((name == null) == (arn == null)) {
      throw new IllegalArgumentException("exactly one of stream name and stream ARN is needed");
    }
  }

  PutRecordsRequest.Builder applyTo(PutRecordsRequest.Builder b) {
    return name != null ? b.streamName(name) : b.streamARN(arn);
  }

  ListShardsRequest.Builder applyTo(ListShardsRequest.Builder b) {
    return name != null ? b.streamName(name) : b.streamARN(arn);
  }

  /** How messages name the stream. */
  @Override
  public String toString() {
    return name != null ? name : arn;
  }
}
