package io.cdckinesis.lambda;

import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** Reads a whole stream back, shard by shard, as the consumer would see it. */
final class StreamReader {

  private StreamReader() {}

  /** Every record of every shard, in shard order, as {@link StreamRecord}s. */
  static List<StreamRecord> readAll(KinesisClient kinesis, String stream) {
    List<StreamRecord> out = new ArrayList<>();
    LocalKinesis.readAll(kinesis, stream)
        .forEach(
            (shard, records) -> {
              for (Record r : records) {
                out.add(
                    new StreamRecord(
                        shard.shardId(),
                        r.sequenceNumber(),
                        r.data().asByteArray(),
                        r.approximateArrivalTimestamp()));
              }
            });
    return out;
  }

  /** The envelopes inside the records (aggregates opened). */
  static List<byte[]> envelopes(List<StreamRecord> records) {
    List<byte[]> out = new ArrayList<>();
    for (StreamRecord r : records) {
      for (DeaggregatedRecord d : KplDeaggregator.deaggregate(r.data(), null, null)) {
        out.add(d.data());
      }
    }
    return out;
  }
}
