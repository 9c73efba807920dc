package io.cdckinesis.local.sim;

import java.time.Instant;

/**
 * What a {@link SimulatedKinesis} stream has seen of writes (PutRecords and PutRecord), for tests
 * and benchmarks that judge a producer from the service's side.
 *
 * @param putCalls PutRecords and PutRecord calls that reached the stream (failed ones included)
 * @param entriesReceived entries in those calls
 * @param entriesStored entries stored
 * @param entriesThrottled entries refused with {@code ProvisionedThroughputExceededException}
 * @param entriesFailed entries refused by a fault hook
 * @param bytesStored data plus partition keys of the stored entries
 * @param firstPut when the first write call took effect, or {@code null}
 * @param lastPut when the last write call took effect, or {@code null}
 */
public record StreamStats(
    long putCalls,
    long entriesReceived,
    long entriesStored,
    long entriesThrottled,
    long entriesFailed,
    long bytesStored,
    Instant firstPut,
    Instant lastPut) {}
