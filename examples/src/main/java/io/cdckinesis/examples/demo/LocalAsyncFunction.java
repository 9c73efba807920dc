package io.cdckinesis.examples.demo;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a handler the way Lambda runs asynchronous invocations (S3 notifications, self-invokes):
 * events are queued, run with bounded concurrency under a time limit, and a failed invocation is
 * retried up to twice after a delay with the same request id; an event that still fails goes to the
 * on-failure list. Delays are shortened (Lambda waits about 1 and 2 minutes).
 */
final class LocalAsyncFunction<E> implements AutoCloseable {

  /** An event given up after its retries, as Lambda's on-failure destination would receive it. */
  record Failure<E>(LocalAsyncFunction<E> function, E event, String requestId, Throwable error) {}

  private final String name;
  private final RequestHandler<E, ?> handler;
  private final long timeoutMillis;
  private final int maxRetries;
  private final long retryDelayMillis;
  private final ScheduledExecutorService pool;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final List<Failure<E>> failures = Collections.synchronizedList(new ArrayList<>());

  LocalAsyncFunction(
      String name,
      RequestHandler<E, ?> handler,
      int concurrency,
      long timeoutMillis,
      int maxRetries,
      long retryDelayMillis) {
    this.name = name;
    this.handler = handler;
    this.timeoutMillis = timeoutMillis;
    this.maxRetries = maxRetries;
    this.retryDelayMillis = retryDelayMillis;
    this.pool = Executors.newScheduledThreadPool(concurrency, r -> daemon(r, name));
  }

  /** Queues an event, as {@code InvocationType=Event} does. */
  void invokeAsync(E event) {
    submit(event, UUID.randomUUID().toString(), 0, 0);
  }

  private void submit(E event, String requestId, int attempt, long delayMillis) {
    pending.incrementAndGet();
    pool.schedule(() -> run(event, requestId, attempt), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void run(E event, String requestId, int attempt) {
    try {
      invocations.incrementAndGet();
      Context context = new LocalContext(requestId, name, timeoutMillis);
      handler.handleRequest(event, context);
    } catch (Throwable e) {
      if (attempt < maxRetries) {
        retries.incrementAndGet();
        submit(event, requestId, attempt + 1, retryDelayMillis << attempt);
      } else {
        failures.add(new Failure<>(this, event, requestId, e));
      }
    } finally {
      pending.decrementAndGet();
    }
  }

  /** Waits until no invocation is queued, running or waiting for a retry. */
  void awaitIdle() throws InterruptedException {
    while (pending.get() > 0) {
      Thread.sleep(10);
    }
  }

  long invocations() {
    return invocations.get();
  }

  long retries() {
    return retries.get();
  }

  /** Takes the events given up so far (as reading the on-failure destination does). */
  List<Failure<E>> drainFailures() {
    synchronized (failures) {
      List<Failure<E>> out = List.copyOf(failures);
      failures.clear();
      return out;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
