package io.cdckinesis.local.sim;

/**
 * One call to a {@link SimulatedKinesis}, as latency models and fault hooks see it.
 *
 * @param number the call's number in this simulator, from 1, in the order calls arrive
 * @param operation the API operation, e.g. {@code PutRecords}, {@code ListShards}
 * @param stream the stream name the call addresses, or {@code null} when it names none (a continued
 *     ListShards, GetRecords)
 * @param entries records in the request (PutRecords: its entries; PutRecord: 1; other calls: 0)
 * @param bytes data plus partition keys of those records
 */
public record SimulatedCall(
    long number, String operation, String stream, int entries, long bytes) {}
