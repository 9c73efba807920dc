package io.cdckinesis.local.faults;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of what a {@link FaultInjector} injected, per kind, and of the traffic it saw (the
 * denominators): read it at the end of a run to print what the pipeline survived.
 *
 * @param injected how many faults of each kind were injected (every kind present, zero included)
 * @param putRecordsCalls PutRecords calls that passed through the injector
 * @param putRecordsEntries entries in those calls (counted only when throttling is on, which parses
 *     them)
 * @param getObjectCalls S3 GetObject calls that passed through
 * @param putObjectCalls S3 PutObject calls that passed through
 * @param handlerCalls consumer handler calls asked about ({@link FaultInjector#nextHandlerError()})
 */
public record FaultCounts(
    Map<FaultKind, Long> injected,
    long putRecordsCalls,
    long putRecordsEntries,
    long getObjectCalls,
    long putObjectCalls,
    long handlerCalls) {

  public FaultCounts {
    EnumMap<FaultKind, Long> all = new EnumMap<>(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      Long n = injected == null ? null : injected.get(k);
      if (n != null && n < 0) {
        throw new IllegalArgumentException("negative count for " + k);
      }
      all.put(k, n == null ? 0L : n);
    }
    injected = Map.copyOf(all);
  }

  /** How many faults of this kind were injected. */
  public long get(FaultKind kind) {
    return injected.get(kind);
  }

  public long throttledEntries() {
    return get(FaultKind.THROTTLED_ENTRY);
  }

  public long callErrors() {
    return get(FaultKind.CALL_ERROR);
  }

  /** Connection resets, before and after send. */
  public long resets() {
    return get(FaultKind.RESET_BEFORE_SEND) + get(FaultKind.RESET_AFTER_SEND);
  }

  /** Timeouts, before and after send. */
  public long timeouts() {
    return get(FaultKind.TIMEOUT_BEFORE_SEND) + get(FaultKind.TIMEOUT_AFTER_SEND);
  }

  public long s3BodyBreaks() {
    return get(FaultKind.S3_BODY_BREAK);
  }

  /** All faults injected, of every kind. */
  public long total() {
    return injected.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * One line for people: {@code injected: 812 throttled entries (of 4,100), 9 calls answered 500
   * InternalFailure calls, ...}; kinds that never happened are left out.
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (FaultKind k : FaultKind.values()) {
      long n = get(k);
      if (n == 0) {
        continue;
      }
      String of =
          switch (k) {
            case THROTTLED_ENTRY -> of(putRecordsEntries);
            case CALL_ERROR -> of(putRecordsCalls);
            case S3_BODY_BREAK -> of(getObjectCalls);
            case HANDLER_ERROR -> of(handlerCalls);
            default -> "";
          };
      parts.add(String.format("%,d %s%s", n, k.label(), of));
    }
    return parts.isEmpty() ? "injected: nothing" : "injected: " + String.join(", ", parts);
  }

  private static String of(long total) {
    return String.format(" (of %,d)", total);
  }

  @Override
  public String toString() {
    return describe();
  }
}
