package io.cdckinesis.lambda;

import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads a whole stream back, shard by shard, as the consumer would see it. */
final class StreamReader {

  private StreamReader() {}

  /** Every record of every shard, in shard order, as {@link StreamRecord}s. */
  static List<StreamRecord> readAll(KinesisClient kinesis, String stream) {
    List<StreamRecord> out = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String it =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (it != null) {
        String current = it;
        GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(1000));
        for (Record r : page.records()) {
          out.add(
              new StreamRecord(
                  shard.shardId(),
                  r.sequenceNumber(),
                  r.data().asByteArray(),
                  r.approximateArrivalTimestamp()));
        }
        if (page.records().isEmpty() && page.millisBehindLatest() == 0) {
          break;
        }
        it = page.nextShardIterator();
      }
    }
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
