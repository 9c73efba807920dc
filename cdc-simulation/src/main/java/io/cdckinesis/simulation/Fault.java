package io.cdckinesis.simulation;

/**
 * The faults the simulation injects. A schedule's {@link FaultMix} gives each enabled fault an
 * intensity: a probability per opportunity (a yield point, a call, an entry, an event), except
 * {@link #KINESIS_THROTTLE}, whose intensity scales the shards' write limits down.
 */
public enum Fault {
  /** A producer or sweep invocation dies at a yield point (container killed, out of memory). */
  PRODUCER_CRASH,
  /** A consumer invocation dies at a yield point; its container is gone with its memory. */
  CONSUMER_CRASH,
  /**
   * A producer or sweep invocation stops at a yield point for 30 s to 4 min of virtual time (a GC
   * pause, a slow flush), then goes on as if nothing happened unless its Lambda timeout has passed.
   * (A consumer that stalls past its timeout is a crash: {@link #CONSUMER_CRASH}.)
   */
  STALL,
  /** An S3 call attempt answers 500 InternalError, 503 SlowDown or 503 ServiceUnavailable. */
  S3_ERROR,
  /** An S3 call takes effect but its answer is lost (500 after the write landed). */
  S3_LOST_ANSWER,
  /** A GetObject body breaks mid-object (connection reset). */
  BROKEN_DOWNLOAD,
  /** Kinesis shards accept far fewer records per second (ProvisionedThroughputExceeded). */
  KINESIS_THROTTLE,
  /** A PutRecords entry fails with InternalFailure while the others land. */
  KINESIS_PARTIAL_FAILURE,
  /** A Kinesis call fails as a whole before taking effect (500 InternalFailure). */
  KINESIS_CALL_ERROR,
  /** A PutRecords call lands, then times out on the client side. */
  KINESIS_TIMEOUT_AFTER_WRITE,
  /** An S3 event notification is delivered twice. */
  EVENT_DUPLICATE,
  /** An S3 event notification never arrives. */
  EVENT_LOST,
  /** An S3 event notification arrives 1 to 10 minutes late (and so out of order). */
  EVENT_DELAYED,
  /** A producer's continuation (self-invoke) is accepted but never runs. */
  CONTINUATION_LOST,
  /** A consumer batch goes to a cold container (new handler objects, empty memory). */
  FRESH_CONTAINER
}
