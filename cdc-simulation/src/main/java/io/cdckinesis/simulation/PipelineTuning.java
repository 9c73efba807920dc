package io.cdckinesis.simulation;

import java.time.Duration;

/**
 * The settings of the simulated deployment, sized for the simulation (small files, short leases, so
 * that the interesting cases happen within a few minutes of virtual time).
 *
 * @param producerTimeout the producer function's Lambda timeout
 * @param consumerTimeout the consumer function's Lambda timeout
 * @param lease how long a claim (object, table) lasts without renewal
 * @param timeReserve the producer stops and continues elsewhere when less time than this is left
 * @param checkpointEveryRows rows between producer checkpoints
 * @param maxBatchRecords PutRecords entries per call
 * @param consumerBatchSize records per consumer invocation (the event source mapping's BatchSize)
 * @param aggregate KPL aggregation on the stream
 * @param durablePositions whether the consumer remembers applied positions in the durable position
 *     table (surviving containers) rather than in memory per container
 */
public record PipelineTuning(
    Duration producerTimeout,
    Duration consumerTimeout,
    Duration lease,
    Duration timeReserve,
    int checkpointEveryRows,
    int maxBatchRecords,
    int consumerBatchSize,
    boolean aggregate,
    boolean durablePositions) {}
