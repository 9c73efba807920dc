package io.cdckinesis.simulation.aws;

import io.cdckinesis.simulation.sched.Scheduler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * A service client as the code under test meets it: every call is a yield point of the simulation
 * that takes a latency in virtual time (half before the call takes effect, half after), may fail
 * with an injected service error before its effect, or lose its answer after its effect, and is
 * retried like the SDK's standard retry strategy does (3 attempts, exponential backoff with full
 * jitter, drawn from the simulation's seeded random). A crashed actor's calls throw before any
 * effect.
 *
 * <p>Operations the service model implements go through all of this once; the SDK's convenience
 * overloads (builder consumers, {@code getObjectAsBytes}, paginators) run as the interface defines
 * them, on top of the proxied operations, so each real request is one simulated call.
 */
public final class SimulatedServices {

  /** Latency of a call, drawn by the simulation. */
  @FunctionalInterface
  public interface Latency {
    Duration of(String service, String operation);
  }

  /** Injected service failures, decided per call attempt. */
  public interface CallFaults {
    CallFaults NONE = new CallFaults() {};

    /** An error to answer instead of taking effect, or null. */
    default RuntimeException before(String service, String operation, String target) {
      return null;
    }

    /** An error to answer after the call took effect (the answer is lost), or null. */
    default RuntimeException after(String service, String operation, String target) {
      return null;
    }
  }

  /** How the SDK retries a call: attempts and backoff. */
  public record SdkRetries(int maxAttempts, Duration baseDelay, Duration maxBackoff) {

    /** The SDK's standard mode: 3 attempts, 100 ms base delay, 20 s cap. */
    public static SdkRetries standard() {
      return new SdkRetries(3, Duration.ofMillis(100), Duration.ofSeconds(20));
    }
  }

  private SimulatedServices() {}

  /** The S3 client the code under test gets: {@code s3} behind latency, faults and retries. */
  public static S3Client s3(
      SimS3 s3, Latency latency, CallFaults faults, SdkRetries retries, Scheduler scheduler) {
    return wrap(S3Client.class, s3, "S3", latency, faults, retries, scheduler);
  }

  /** Wraps any service client interface whose implementation is a simulation model. */
  public static <T> T wrap(
      Class<T> type,
      T target,
      String service,
      Latency latency,
      CallFaults faults,
      SdkRetries retries,
      Scheduler scheduler) {
    Handler h = new Handler(target, service, latency, faults, retries, scheduler);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static final class Handler implements InvocationHandler {
    private final Object target;
    private final String service;
    private final Latency latency;
    private final CallFaults faults;
    private final SdkRetries retries;
    private final Scheduler scheduler;
    private final Map<Method, Boolean> implemented = new ConcurrentHashMap<>();

    Handler(
        Object target,
        String service,
        Latency latency,
        CallFaults faults,
        SdkRetries retries,
        Scheduler scheduler) {
      this.target = Objects.requireNonNull(target, "target");
      this.service = service;
      this.latency = latency;
      this.faults = faults;
      this.retries = retries;
      this.scheduler = scheduler;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "simulated " + service;
        };
      }
      if (method.getName().equals("close") || method.getName().equals("serviceName")) {
        return call(method, args);
      }
      if (!isImplemented(method)) {
        // A convenience overload: let it build its request and call the proxy again.
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      String operation = capitalize(method.getName());
      String target = describe(args);
      String label = service + " " + operation + (target == null ? "" : " " + target);
      for (int attempt = 1; ; attempt++) {
        try {
          return attempt(method, args, operation, target, label);
        } catch (SdkException e) {
          if (attempt >= retries.maxAttempts() || !retryable(e)) {
            throw e;
          }
          long cap =
              Math.min(
                  retries.maxBackoff().toMillis(),
                  retries.baseDelay().toMillis() << Math.min(20, attempt - 1));
          Duration backoff = Duration.ofMillis(scheduler.random().nextInt((int) cap + 1));
          Scheduler.pause(service + " SDK retry backoff", backoff);
        }
      }
    }

    private Object attempt(
        Method method, Object[] args, String operation, String target, String label)
        throws Throwable {
      Duration total = latency.of(service, operation);
      Duration half = total.dividedBy(2);
      Scheduler.pause(label, half);
      RuntimeException before = faults.before(service, operation, target);
      if (before != null) {
        Scheduler.pause(label + " (failing)", total.minus(half));
        throw before;
      }
      Object result = call(method, args);
      RuntimeException after = faults.after(service, operation, target);
      Scheduler.pause(label + " (answer)", total.minus(half));
      if (after != null) {
        throw after;
      }
      return result;
    }

    private Object call(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    private boolean isImplemented(Method m) {
      return implemented.computeIfAbsent(
          m,
          x -> {
            try {
              Method impl = target.getClass().getMethod(x.getName(), x.getParameterTypes());
              return !impl.isDefault() && impl.getDeclaringClass() == target.getClass();
            } catch (NoSuchMethodException e) {
              return false;
            }
          });
    }

    /**
     * What the SDK's standard strategy retries: 5xx, throttling, and a response body that broke
     * while a transformer read it ({@code getObjectAsBytes} throws {@link RetryableException}).
     */
    private static boolean retryable(SdkException e) {
      if (e instanceof AwsServiceException s) {
        return s.statusCode() >= 500 || s.statusCode() == 429 || s.isThrottlingException();
      }
      return e instanceof RetryableException;
    }
  }

  private static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** The bucket and key (or prefix) a request addresses, for the trace and fault decisions. */
  private static String describe(Object[] args) {
    if (args == null || args.length == 0) {
      return null;
    }
    Object r = args[0];
    if (r instanceof GetObjectRequest g) {
      return g.bucket() + "/" + g.key() + (g.range() == null ? "" : " " + g.range());
    }
    if (r instanceof PutObjectRequest p) {
      return p.bucket() + "/" + p.key();
    }
    if (r instanceof ListObjectsV2Request l) {
      return l.bucket() + "/" + (l.prefix() == null ? "" : l.prefix()) + "*";
    }
    if (r instanceof HeadObjectRequest h) {
      return h.bucket() + "/" + h.key();
    }
    if (r instanceof DeleteObjectRequest d) {
      return d.bucket() + "/" + d.key();
    }
    return null;
  }
}
