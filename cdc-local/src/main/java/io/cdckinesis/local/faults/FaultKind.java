package io.cdckinesis.local.faults;

/** What was injected, one counter each in {@link FaultCounts}. */
public enum FaultKind {
  /** A PutRecords entry answered ProvisionedThroughputExceededException and not written. */
  THROTTLED_ENTRY("throttled entries"),
  /** A PutRecords call answered 500 InternalFailure without reaching the server. */
  CALL_ERROR("calls answered 500 InternalFailure"),
  /** A call reset before it reached the server: nothing happened there. */
  RESET_BEFORE_SEND("resets before send"),
  /** A call reset after the server carried it out: it happened, the client cannot know. */
  RESET_AFTER_SEND("resets after send"),
  /** A call timed out before it reached the server. */
  TIMEOUT_BEFORE_SEND("timeouts before send"),
  /** A call timed out after the server carried it out. */
  TIMEOUT_AFTER_SEND("timeouts after send"),
  /** An S3 GetObject body that died part-way with a connection reset. */
  S3_BODY_BREAK("S3 bodies broken mid-object"),
  /** A producer crash that the demo carried out (counted by its code). */
  PRODUCER_CRASH("producer crashes"),
  /** A consumer handler call that failed transiently on purpose. */
  HANDLER_ERROR("handler errors"),
  /** An event delivered twice on purpose (counted by the demo's code). */
  DUPLICATE_EVENT("duplicated events");

  private final String label;

  FaultKind(String label) {
    this.label = label;
  }

  /** Plural noun phrase for summaries: "812 throttled entries". */
  public String label() {
    return label;
  }
}
