package io.cdckinesis.local.faults;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;

/**
 * Carries out a {@link FaultPlan}: makes every decision with one random generator seeded from the
 * plan, and counts what it injected. Give its {@link #httpClient() HTTP client} to the SDK clients
 * whose calls should fail; ask it {@link #nextHandlerError()} from a consumer handler; read {@link
 * #counts()} at the end. Thread-safe.
 *
 * <p>Decisions are drawn in the order calls arrive, so a single-threaded run with the same plan
 * (seed included) makes the same decisions. With concurrent callers the interleaving, and so which
 * call gets which fault, varies from run to run; the rates do not.
 *
 * <pre>{@code
 * FaultInjector faults = FaultInjector.of(FaultPlan.parse("throttle=0.2,errors=0.01,seed=7"));
 * SdkHttpClient http = faults.httpClient();            // close it after the clients
 * KinesisClient kinesis = localKinesis.clientBuilder().httpClient(http).build();
 * S3Client s3 = localS3.clientBuilder().httpClient(http).build();
 * ...
 * System.out.println(faults.counts().describe());
 * }</pre>
 */
public final class FaultInjector {

  private final FaultPlan plan;
  private final Random random;
  private final AtomicLongArray injected = new AtomicLongArray(FaultKind.values().length);
  private final AtomicLong putRecordsCalls = new AtomicLong();
  private final AtomicLong putRecordsEntries = new AtomicLong();
  private final AtomicLong getObjectCalls = new AtomicLong();
  private final AtomicLong putObjectCalls = new AtomicLong();
  private final AtomicLong handlerCalls = new AtomicLong();
  private final Map<String, Integer> breaksPlanned = new ConcurrentHashMap<>();

  private FaultInjector(FaultPlan plan) {
    this.plan = plan;
    this.random = new Random(plan.seed());
  }

  public static FaultInjector of(FaultPlan plan) {
    if (plan == null) {
      throw new IllegalArgumentException("plan is null");
    }
    return new FaultInjector(plan);
  }

  public FaultPlan plan() {
    return plan;
  }

  /**
   * A new HTTP client that injects this plan's faults into the calls of the SDK clients built with
   * it, over the SDK's default HTTP client (Apache 5). One client can serve Kinesis and S3 clients
   * alike. The SDK does not close HTTP clients it was given: close it after the service clients.
   */
  public FaultInjectingHttpClient httpClient() {
    return httpClient(Apache5HttpClient.builder().build());
  }

  /**
   * A new HTTP client that injects this plan's faults over {@code delegate}, which does the real
   * work and is closed with it.
   */
  public FaultInjectingHttpClient httpClient(SdkHttpClient delegate) {
    if (delegate == null) {
      throw new IllegalArgumentException("delegate is null");
    }
    return new FaultInjectingHttpClient(delegate, this);
  }

  /**
   * Whether this consumer handler call should fail transiently: true for a fraction {@link
   * FaultPlan#handlerErrors()} of calls (counted as {@link FaultKind#HANDLER_ERROR}). The caller
   * throws its own retryable exception; this module does not know the consumer's types.
   */
  public boolean nextHandlerError() {
    handlerCalls.incrementAndGet();
    if (plan.handlerErrors() == 0) {
      return false;
    }
    boolean fail;
    synchronized (random) {
      fail = random.nextDouble() < plan.handlerErrors();
    }
    if (fail) {
      count(FaultKind.HANDLER_ERROR, 1);
    }
    return fail;
  }

  /**
   * Where to crash the producer in a file of {@code size} units (rows or bytes, the caller's
   * choice): up to {@link FaultPlan#crash()} distinct points in {@code [1, size)}, ascending, so
   * that each crash leaves part of the file done and part to do.
   */
  public long[] crashPoints(long size) {
    int n = (int) Math.max(0, Math.min(plan.crash(), size - 1));
    TreeSet<Long> points = new TreeSet<>();
    synchronized (random) {
      while (points.size() < n) {
        points.add(1 + random.nextLong(size - 1));
      }
    }
    return points.stream().mapToLong(Long::longValue).toArray();
  }

  /** Counts a producer crash that the caller carried out. */
  public void recordProducerCrash() {
    count(FaultKind.PRODUCER_CRASH, 1);
  }

  /** Counts an event that the caller delivered twice. */
  public void recordDuplicateEvent() {
    count(FaultKind.DUPLICATE_EVENT, 1);
  }

  /** What was injected so far, and the traffic seen. */
  public FaultCounts counts() {
    Map<FaultKind, Long> byKind = new EnumMap<>(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      byKind.put(k, injected.get(k.ordinal()));
    }
    return new FaultCounts(
        byKind,
        putRecordsCalls.get(),
        putRecordsEntries.get(),
        getObjectCalls.get(),
        putObjectCalls.get(),
        handlerCalls.get());
  }

  // ---- decisions and counting, used by FaultInjectingHttpClient ----

  void count(FaultKind kind, long n) {
    injected.addAndGet(kind.ordinal(), n);
  }

  void sawCall(FaultOperation op) {
    switch (op) {
      case PUT_RECORDS -> putRecordsCalls.incrementAndGet();
      case GET_OBJECT -> getObjectCalls.incrementAndGet();
      case PUT_OBJECT -> putObjectCalls.incrementAndGet();
    }
  }

  void sawEntries(int n) {
    putRecordsEntries.addAndGet(n);
  }

  /**
   * The whole-call fault for one call, or null for none: a 500 (PutRecords only), or a reset or
   * timeout (operations in {@link FaultPlan#on()}) before or after send.
   */
  FaultKind decideCall(FaultOperation op) {
    double error = op == FaultOperation.PUT_RECORDS ? plan.errors() : 0;
    boolean hit = plan.on().contains(op);
    double reset = hit ? plan.resets() : 0;
    double timeout = hit ? plan.timeouts() : 0;
    if (error + reset + timeout == 0) {
      return null;
    }
    synchronized (random) {
      double u = random.nextDouble();
      if (u < error) {
        return FaultKind.CALL_ERROR;
      }
      if (u < error + reset) {
        return random.nextDouble() < plan.afterSend()
            ? FaultKind.RESET_AFTER_SEND
            : FaultKind.RESET_BEFORE_SEND;
      }
      if (u < error + reset + timeout) {
        return random.nextDouble() < plan.afterSend()
            ? FaultKind.TIMEOUT_AFTER_SEND
            : FaultKind.TIMEOUT_BEFORE_SEND;
      }
      return null;
    }
  }

  /** Which of {@code entries} PutRecords entries to throttle. */
  BitSet decideThrottled(int entries) {
    BitSet throttled = new BitSet(entries);
    if (plan.throttle() == 0) {
      return throttled;
    }
    synchronized (random) {
      for (int i = 0; i < entries; i++) {
        if (random.nextDouble() < plan.throttle()) {
          throttled.set(i);
        }
      }
    }
    return throttled;
  }

  /**
   * After how many bytes to break a GetObject body of {@code length} bytes, in {@code [1, length)},
   * or -1 for no break. A break is planned at most {@link FaultPlan#s3BreaksPerObject()} times per
   * object key, whatever the range asked for.
   */
  long decideBreak(String objectKey, long length) {
    if (plan.s3Breaks() == 0 || length < 2) {
      return -1;
    }
    synchronized (random) {
      if (random.nextDouble() >= plan.s3Breaks()) {
        return -1;
      }
      int planned = breaksPlanned.getOrDefault(objectKey, 0);
      if (planned >= plan.s3BreaksPerObject()) {
        return -1;
      }
      breaksPlanned.put(objectKey, planned + 1);
      return 1 + random.nextLong(length - 1);
    }
  }
}
