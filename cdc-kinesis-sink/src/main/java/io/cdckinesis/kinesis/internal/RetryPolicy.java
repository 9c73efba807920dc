package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The attempt and backoff policy, held as a resilience4j {@link RetryConfig}: which failures to
 * retry (exception and result predicates), how many attempts, and the capped exponential wait
 * between them. The sink applies it per entry rather than around a call, because one PutRecords
 * call succeeds for some entries and fails for others.
 *
 * <p>The jitter is drawn here from the given random source (resilience4j's randomized backoff draws
 * from {@code Math.random()}, which a seeded simulation cannot replay): a wait w becomes uniform in
 * [w(1-jitter), w(1+jitter)].
 */
public final class RetryPolicy {

  private final RetryConfig config;
  private final IntervalFunction exponential;
  private final double jitter;
  private final RandomGenerator random;

  public RetryPolicy(KinesisSinkConfig sink, RandomGenerator random) {
    this.exponential =
        IntervalFunction.ofExponentialBackoff(
            sink.initialBackoff(), sink.backoffMultiplier(), sink.maxBackoff());
    this.jitter = sink.jitter();
    this.random = random;
    this.config =
        RetryConfig.<String>custom()
            .maxAttempts(sink.maxAttempts())
            .intervalFunction(exponential)
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

  /** The wait before the next attempt of an entry that failed {@code failures} times (from 1). */
  public Duration backoff(int failures) {
    // Past a few dozen doublings the cap holds anyway (resilience4j computes the power step by
    // step).
    long base = exponential.apply(Math.min(Math.max(1, failures), 64));
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofMillis(Math.max(1, Math.round(base * factor)));
  }

  /** The wait before the next attempt after a whole call threw; as {@link #backoff(int)}. */
  public Duration backoff(int failures, Throwable failure) {
    return backoff(failures);
  }

  private static boolean isRetryable(KinesisErrors.Kind kind) {
    return kind == KinesisErrors.Kind.THROTTLED || kind == KinesisErrors.Kind.TRANSIENT;
  }
}
