package io.cdckinesis.simulation.world;

import com.amazonaws.services.lambda.runtime.Context;
import io.cdckinesis.simulation.aws.SimContext;
import io.cdckinesis.simulation.sched.Actor;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Lambda function invoked asynchronously (S3 notifications, self-invokes), as Lambda runs it:
 * every event gets its own invocation (a crashable actor with the function's timeout); a failed
 * invocation (an exception, a crash, a timeout) is retried twice, about one and two minutes later,
 * with the same request id; an event that fails three times is dropped to the on-failure
 * destination, from which an operator may redrive it later (until it succeeds, five times at most).
 *
 * @param <E> the event type
 */
public final class AsyncFunction<E> {

  /** An event Lambda gave up on. */
  public record Dropped<E>(E event, String requestId, String lastOutcome) {}

  /** How often the operator redrives one event before giving up on it. */
  private static final int MAX_REDRIVES = 5;

  private final Scheduler scheduler;
  private final String name;
  private final Duration timeout;
  private final BiConsumer<E, Context> handler;
  private final Duration redriveAfter;
  private final List<Dropped<E>> dropped = new ArrayList<>();
  private Consumer<Actor.Outcome> onOutcome = o -> {};
  private long events;
  private long invocations;
  private long retries;
  private long redriven;
  private int pending;

  /**
   * @param redriveAfter when an operator redrives dropped events, or null for never
   */
  public AsyncFunction(
      Scheduler scheduler,
      String name,
      Duration timeout,
      BiConsumer<E, Context> handler,
      Duration redriveAfter) {
    this.scheduler = scheduler;
    this.name = name;
    this.timeout = timeout;
    this.handler = handler;
    this.redriveAfter = redriveAfter;
  }

  /** Runs (as world-model code) after every invocation, with how it ended. */
  public void onOutcome(Consumer<Actor.Outcome> listener) {
    this.onOutcome = listener;
  }

  /** Queues an event (InvocationType=Event); Lambda starts it after {@code delay}. */
  public void invoke(E event, Duration delay, String origin) {
    events++;
    String requestId = name + "-" + events;
    scheduler.note(name, "queued " + requestId + " (" + origin + ")");
    submit(event, requestId, 0, delay, 0);
  }

  private void submit(E event, String requestId, int attempt, Duration delay, int redrives) {
    pending++;
    String actorName = requestId + (attempt == 0 ? "" : "#retry" + attempt);
    scheduler.spawn(
        actorName,
        delay,
        true,
        timeout,
        self -> {
          invocations++;
          Context context = new SimContext(requestId, name, scheduler.clock(), self.deadline());
          handler.accept(event, context);
          return null;
        },
        outcome -> {
          pending--;
          onOutcome.accept(outcome);
          if (!outcome.succeeded()) {
            failed(event, requestId, attempt, outcome, redrives);
          }
        });
  }

  private void failed(E event, String requestId, int attempt, Actor.Outcome outcome, int redrives) {
    if (attempt < 2) {
      retries++;
      Duration base = Duration.ofMinutes(attempt + 1);
      Duration jitter = Duration.ofMillis(scheduler.random().nextInt(20_000));
      submit(event, requestId, attempt + 1, base.plus(jitter), redrives);
      return;
    }
    dropped.add(new Dropped<>(event, requestId, outcome.toString()));
    scheduler.note(name, "dropped " + requestId + " after 3 attempts: " + outcome);
    if (redriveAfter != null && redrives < MAX_REDRIVES) {
      redriven++;
      pending++;
      scheduler.at(
          redriveAfter,
          "redrive " + requestId,
          false,
          () -> {
            pending--;
            String base =
                redrives == 0 ? requestId : requestId.substring(0, requestId.lastIndexOf('-'));
            submit(event, base + "-redrive" + (redrives + 1), 0, Duration.ZERO, redrives + 1);
          });
    }
  }

  /** Whether an event is queued, running or waiting for a retry or a redrive. */
  public boolean busy() {
    return pending > 0;
  }

  public List<Dropped<E>> dropped() {
    return List.copyOf(dropped);
  }

  public long events() {
    return events;
  }

  public long invocations() {
    return invocations;
  }

  public long retries() {
    return retries;
  }

  public long redriven() {
    return redriven;
  }
}
