package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;

/**
 * The attempt and backoff policy, held as a resilience4j {@link RetryConfig}: which failures to
 * retry (exception and result predicates), how many attempts, and the capped exponential wait with
 * jitter between them. The sink applies it per entry rather than around a call, because one
 * PutRecords call succeeds for some entries and fails for others.
 */
public final class RetryPolicy {

  private final RetryConfig config;

  public RetryPolicy(KinesisSinkConfig sink) {
    IntervalFunction backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            sink.initialBackoff(), sink.backoffMultiplier(), sink.jitter(), sink.maxBackoff());
    this.config =
        RetryConfig.<String>custom()
            .maxAttempts(sink.maxAttempts())
            .intervalBiFunction(IntervalBiFunction.ofIntervalFunction(backoff))
            .retryOnException(t -> isRetryable(KinesisErrors.of(t)))
            .retryOnResult(errorCode -> isRetryable(KinesisErrors.ofErrorCode(errorCode)))
            .build();
  }

  /** Whether a call that threw this may be repeated. */
  public boolean retries(Throwable failure) {
    return config.getExceptionPredicate().test(failure);
  }

  /** Whether an entry that failed with this error code may be sent again. */
  public boolean retries(String errorCode) {
    return config.<String>getResultPredicate().test(errorCode);
  }

  /** Whether an entry sent this many times may be sent once more. */
  public boolean hasAttemptsLeft(int attemptsMade) {
    return attemptsMade < config.getMaxAttempts();
  }

  public int maxAttempts() {
    return config.getMaxAttempts();
  }

  /** The wait before the next attempt of an entry sent {@code attemptsMade} times. */
  public Duration backoff(int attemptsMade, Throwable failure) {
    return Duration.ofMillis(
        config.<String>getIntervalBiFunction().apply(attemptsMade, Either.left(failure)));
  }

  /** The wait before the next attempt of an entry that failed with an error code. */
  public Duration backoff(int attemptsMade, String errorCode) {
    return Duration.ofMillis(
        config.<String>getIntervalBiFunction().apply(attemptsMade, Either.right(errorCode)));
  }

  private static boolean isRetryable(KinesisErrors.Kind kind) {
    return kind == KinesisErrors.Kind.THROTTLED || kind == KinesisErrors.Kind.TRANSIENT;
  }
}
