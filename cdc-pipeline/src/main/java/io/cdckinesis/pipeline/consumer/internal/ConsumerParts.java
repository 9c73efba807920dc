package io.cdckinesis.pipeline.consumer.internal;

import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.core.spi.DeadLetterSink;
import io.cdckinesis.core.spi.ShardRanges;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.kinesis.Sleeper;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;

/** What a consumer is made of; shared by its shard batches. */
public record ConsumerParts(
    TableHandlers handlers,
    AppliedPositionStore store,
    DeadLetterSink deadLetters,
    Decoder decoder,
    ShardRanges shardRanges,
    int attemptsPerInvocation,
    IntervalFunction backoff,
    Sleeper sleeper,
    Clock clock,
    Attempts attempts) {}
