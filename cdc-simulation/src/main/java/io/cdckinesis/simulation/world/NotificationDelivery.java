package io.cdckinesis.simulation.world;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import io.cdckinesis.simulation.Fault;
import io.cdckinesis.simulation.FaultMix;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.sched.Scheduler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * S3 event notifications from the DMS bucket to the producer function: each object created or
 * deleted is delivered as an S3 event ({@code ObjectCreated:Put} or {@code ObjectRemoved:Delete},
 * key URL-encoded, as S3 sends it) after a short delay, or, per the fault mix, lost, delivered
 * twice, or delivered minutes late (and so out of order).
 */
public final class NotificationDelivery {

  private final Scheduler scheduler;
  private final FaultMix faults;
  private final AsyncFunction<S3Event> producer;
  private long delivered;
  private long lost;
  private long duplicated;
  private long delayed;

  public NotificationDelivery(
      Scheduler scheduler, FaultMix faults, AsyncFunction<S3Event> producer) {
    this.scheduler = scheduler;
    this.faults = faults;
    this.producer = producer;
  }

  /** Subscribes to the bucket's object-created and object-removed notifications. */
  public void subscribe(SimS3 s3, String bucket) {
    s3.onObjectEvents(bucket, this::happened);
  }

  private void happened(SimS3.ObjectEvent c) {
    Random r = scheduler.random();
    if (r.nextDouble() < faults.p(Fault.EVENT_LOST)) {
      lost++;
      scheduler.note("s3-events", "LOST event for " + c.key());
      return;
    }
    int copies = r.nextDouble() < faults.p(Fault.EVENT_DUPLICATE) ? 2 : 1;
    duplicated += copies - 1;
    for (int i = 0; i < copies; i++) {
      Duration delay = Duration.ofMillis(20 + r.nextInt(1_500));
      if (r.nextDouble() < faults.p(Fault.EVENT_DELAYED)) {
        delayed++;
        delay = Duration.ofSeconds(60 + r.nextInt(540));
      }
      delivered++;
      producer.invoke(
          event(List.of(c)),
          delay,
          "s3 event " + (c.removed() ? "removed " : "") + c.key() + (i == 0 ? "" : " (duplicate)"));
    }
  }

  /** An S3 event for these objects, as S3 (or a continuation) sends it. */
  public static S3Event event(List<SimS3.ObjectEvent> objects) {
    List<S3EventNotification.S3EventNotificationRecord> records = new ArrayList<>();
    for (SimS3.ObjectEvent c : objects) {
      S3EventNotification.S3ObjectEntity object =
          new S3EventNotification.S3ObjectEntity(
              URLEncoder.encode(c.key(), StandardCharsets.UTF_8),
              c.size(),
              c.eTag() == null ? null : c.eTag().replace("\"", ""),
              null,
              c.sequencer());
      S3EventNotification.S3BucketEntity bucket =
          new S3EventNotification.S3BucketEntity(
              c.bucket(),
              new S3EventNotification.UserIdentityEntity("dms"),
              "arn:aws:s3:::" + c.bucket());
      S3EventNotification.S3Entity s3 =
          new S3EventNotification.S3Entity("cdc-kinesis", bucket, object, "1.0");
      records.add(
          new S3EventNotification.S3EventNotificationRecord(
              "us-east-1",
              c.eventName(),
              "aws:s3",
              null,
              "2.1",
              new S3EventNotification.RequestParametersEntity("10.0.0.1"),
              new S3EventNotification.ResponseElementsEntity("sim", "sim"),
              s3,
              new S3EventNotification.UserIdentityEntity("dms")));
    }
    return new S3Event(records);
  }

  public long delivered() {
    return delivered;
  }

  public long lost() {
    return lost;
  }

  public long duplicated() {
    return duplicated;
  }

  public long delayed() {
    return delayed;
  }
}
