package io.cdckinesis.lambda.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * SDK calls that go through a client's whole request pipeline (endpoint rules, marshalling,
 * interceptors, signing) and stop just before the HTTP request is sent: the SDK loads and runs the
 * code a real call needs, and nothing leaves the process. Priming uses them before a SnapStart
 * snapshot.
 *
 * <p>A dry request carries anonymous credentials, so no credentials are resolved (none end up in a
 * snapshot), and a mark that {@link #INTERCEPTOR}, installed on the functions' clients, stops
 * before transmission. No response is read, so the SDK learns no clock skew either.
 */
public final class DryRun {

  private static final ExecutionAttribute<Boolean> MARK =
      new ExecutionAttribute<>("cdc-kinesis.dryRun");

  /** Stops marked requests before transmission; other requests pass untouched. */
  public static final ExecutionInterceptor INTERCEPTOR =
      new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(
            Context.BeforeTransmission context, ExecutionAttributes attributes) {
          if (Boolean.TRUE.equals(attributes.getAttribute(MARK))) {
            STOPPED.incrementAndGet();
            throw new Stopped();
          }
        }
      };

  private static final AtomicInteger STOPPED = new AtomicInteger();

  private DryRun() {}

  /** Marks a request as dry: {@code request.overrideConfiguration(DryRun::mark)}. */
  public static void mark(AwsRequestOverrideConfiguration.Builder o) {
    o.credentialsProvider(AnonymousCredentialsProvider.create()).putExecutionAttribute(MARK, true);
  }

  /** How many dry requests were stopped in this process (tests). */
  public static int stopped() {
    return STOPPED.get();
  }

  /**
   * Runs a dry call, which must end stopped before transmission.
   *
   * @throws IllegalStateException when the call was not stopped (it returned, or failed otherwise:
   *     not a dry request, or a client without {@link #INTERCEPTOR})
   */
  public static void call(String what, Runnable call) {
    Objects.requireNonNull(what, "what");
    try {
      call.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof Stopped) {
          return;
        }
      }
      throw new IllegalStateException(
          "dry " + what + " was not stopped before transmission: " + e, e);
    }
    throw new IllegalStateException("dry " + what + " was sent: its client has no dry-run stop");
  }

  /** Thrown to end a dry request before transmission; never retried. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("dry run: stopped before transmission", null, false, false);
    }
  }
}
