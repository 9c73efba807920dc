package io.cdckinesis.local.sim;

import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Faults a {@link SimulatedKinesis} injects, decided per call or per entry. Every method has a
 * no-fault default, so a test overrides only what it needs. Called from the calling thread, in the
 * order calls arrive; implementations shared by threads must be thread-safe.
 */
public interface FaultHooks {

  /** No faults. */
  FaultHooks NONE = new FaultHooks() {};

  /**
   * An exception the whole call throws (after its latency) instead of taking effect, or {@code
   * null} to let it run. E.g. an {@code InternalFailureException}, a {@code
   * LimitExceededException}, an {@code SdkClientException} for a reset connection.
   */
  default RuntimeException failCall(SimulatedCall call) {
    return null;
  }

  /**
   * An error code for one PutRecords entry (the entry is not stored and its result carries the
   * code), or {@code null} to process it normally. E.g. {@code InternalFailure}. Throttling needs
   * no hook: the per-shard limits produce it.
   */
  default String failEntry(SimulatedCall call, int index, PutRecordsRequestEntry entry) {
    return null;
  }

  /**
   * Whether this PutRecords or PutRecord call, after its records are stored, times out on the
   * client side: the caller gets an {@code ApiCallTimeoutException} and cannot tell what landed.
   */
  default boolean timeOutAfterWrite(SimulatedCall call) {
    return false;
  }
}
