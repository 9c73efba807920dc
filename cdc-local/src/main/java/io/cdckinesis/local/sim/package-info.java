/**
 * An in-memory Kinesis for tests, benchmarks and deterministic simulations: {@link
 * io.cdckinesis.local.sim.SimulatedKinesis} behind the SDK's {@code KinesisClient}, with Kinesis's
 * per-call and rolling per-shard limits, resharding, and read-back.
 *
 * <p>The API is small and meant to stay stable:
 *
 * <ul>
 *   <li>{@link io.cdckinesis.local.sim.SimulatedKinesis.Builder}: the {@link java.time.Clock}
 *       (required), a {@link io.cdckinesis.local.sim.CallLatency} that decides each call's latency,
 *       a {@link io.cdckinesis.local.sim.Waiter} that waits it (a thread sleep, or a scheduler's
 *       hand-over in virtual time), {@link io.cdckinesis.local.sim.FaultHooks}, {@link
 *       io.cdckinesis.local.sim.SimulatedLimits};
 *   <li>the SDK operations a producer and a reader use (PutRecords, PutRecord, ListShards,
 *       DescribeStreamSummary, DescribeStream, CreateStream, SplitShard, MergeShards,
 *       GetShardIterator, GetRecords);
 *   <li>conveniences to set up and inspect: {@code createStream}, {@code splitShard}, {@code
 *       shards}, {@code records} ({@link io.cdckinesis.local.sim.StoredRecord}), {@code stats}
 *       ({@link io.cdckinesis.local.sim.StreamStats}), {@code putRecordsRequests}.
 * </ul>
 *
 * <p>No threads of its own, no reads of the wall clock (only the clock given), no randomness of its
 * own: given a deterministic clock, latency model, waiter, hooks and order of calls, a run repeats
 * exactly. {@link io.cdckinesis.local.sim.ManualClock} is a clock that moves only when told to.
 */
package io.cdckinesis.local.sim;
