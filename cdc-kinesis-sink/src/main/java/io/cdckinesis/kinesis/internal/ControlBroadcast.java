package io.cdckinesis.kinesis.internal;

import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.kinesis.KinesisWriteException;
import io.cdckinesis.kinesis.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Writes a control record to every open shard of the stream (one entry per shard, aimed at it by
 * its starting hash key), so that the consumer of each shard reads it after the records written
 * before it and before those written after it. The caller flushes the sink first.
 */
public final class ControlBroadcast {

  private final KinesisClient client;
  private final StreamRef stream;
  private final EnvelopeCodec codec;
  private final Sleeper sleeper;
  private final int maxAttempts;

  public ControlBroadcast(
      KinesisClient client,
      StreamRef stream,
      EnvelopeCodec codec,
      Sleeper sleeper,
      int maxAttempts) {
    this.client = client;
    this.stream = stream;
    this.codec = codec;
    this.sleeper = sleeper;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Sends the record to every open shard and returns once each shard has it.
   *
   * @throws KinesisWriteException when a shard cannot be written (retryable as Kinesis says)
   */
  public void send(ControlRecord record) {
    byte[] data = codec.encodeControl(record);
    String key = record.table().toString();
    List<PutRecordsRequestEntry> pending = new ArrayList<>();
    for (Shard s : openShards()) {
      pending.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(key)
              .explicitHashKey(s.hashKeyRange().startingHashKey())
              .data(SdkBytes.fromByteArray(data))
              .build());
    }
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      List<PutRecordsRequestEntry> failed = new ArrayList<>();
      String code = null;
      try {
        PutRecordsResponse r =
            client.putRecords(stream.applyTo(PutRecordsRequest.builder()).records(pending).build());
        for (int i = 0; i < pending.size(); i++) {
          String c = r.records().get(i).errorCode();
          if (c != null) {
            if (KinesisErrors.ofErrorCode(c) == KinesisErrors.Kind.FATAL) {
              throw new KinesisWriteException(
                  stream.toString(),
                  c,
                  "a control record for " + record.table() + " was refused by stream " + stream,
                  null,
                  false);
            }
            failed.add(pending.get(i));
            code = c;
          }
        }
      } catch (KinesisWriteException e) {
        throw e;
      } catch (RuntimeException e) {
        if (KinesisErrors.of(e) == KinesisErrors.Kind.FATAL) {
          throw new KinesisWriteException(
              stream.toString(),
              KinesisErrors.codeOf(e),
              "a control record for "
                  + record.table()
                  + " could not be written to stream "
                  + stream,
              e,
              false);
        }
        failed = pending;
        code = KinesisErrors.codeOf(e);
      }
      if (!failed.isEmpty() && attempt >= maxAttempts) {
        throw new KinesisWriteException(
            stream.toString(),
            code,
            "a control record for "
                + record.table()
                + " still failed on "
                + failed.size()
                + " shards after "
                + attempt
                + " attempts ("
                + code
                + ")",
            null,
            true);
      }
      if (!failed.isEmpty()) {
        sleep(Duration.ofMillis(Math.min(5_000, 100L << Math.min(6, attempt - 1))));
      }
      pending = failed;
    }
  }

  private List<Shard> openShards() {
    List<Shard> open = new ArrayList<>();
    String next = null;
    do {
      ListShardsRequest.Builder b = ListShardsRequest.builder();
      if (next == null) {
        stream.applyTo(b);
      } else {
        b.nextToken(next);
      }
      ListShardsResponse page;
      try {
        page = client.listShards(b.build());
      } catch (RuntimeException e) {
        throw new KinesisWriteException(
            stream.toString(),
            KinesisErrors.codeOf(e),
            "cannot list the shards of stream " + stream + " to write a control record",
            e,
            KinesisErrors.of(e) != KinesisErrors.Kind.FATAL);
      }
      for (Shard s : page.shards()) {
        if (s.sequenceNumberRange() == null
            || s.sequenceNumberRange().endingSequenceNumber() == null) {
          open.add(s);
        }
      }
      next = page.nextToken();
    } while (next != null);
    return open;
  }

  private void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KinesisWriteException(
          stream.toString(), null, "interrupted while writing a control record", e, true);
    }
  }
}
