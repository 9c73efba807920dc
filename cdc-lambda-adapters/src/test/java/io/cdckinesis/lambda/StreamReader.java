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

  /** The change records inside the records, in order; control records left out. */
  static List<io.cdckinesis.core.ChangeRecord> changes(
      List<StreamRecord> records, io.cdckinesis.core.EnvelopeCodec codec) {
    List<io.cdckinesis.core.ChangeRecord> out = new ArrayList<>();
    for (byte[] e : envelopes(records)) {
      if (!(codec.decode(e) instanceof io.cdckinesis.core.Envelope.Control)) {
        out.add(withoutGeneration(codec.decodeRecord(e)));
      }
    }
    return out;
  }

  /**
   * The record as a reader opening the file by its URI gives it: the producer stamps the table's
   * load generation and the object's version into positions, which tests comparing with the file
   * leave aside.
   */
  static io.cdckinesis.core.ChangeRecord withoutGeneration(io.cdckinesis.core.ChangeRecord r) {
    io.cdckinesis.core.SourcePosition p = r.position();
    return r.withPosition(new io.cdckinesis.core.SourcePosition(p.objectUri(), p.row(), p.line()));
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
