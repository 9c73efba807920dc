package io.cdckinesis.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.MDC;

/**
 * Puts the invocation's request id and function name into the logging context (SLF4J MDC) for the
 * length of an invocation, so that every log line of it carries them, as Powertools does; the
 * function jar's logback configuration writes them into each JSON line.
 */
public final class InvocationLogContext implements AutoCloseable {

  public static final String REQUEST_ID = "requestId";
  public static final String FUNCTION_NAME = "functionName";

  private InvocationLogContext() {}

  /** Opens the context for an invocation; close it when the invocation ends. */
  public static InvocationLogContext open(Context context) {
    if (context != null) {
      if (context.getAwsRequestId() != null) {
        MDC.put(REQUEST_ID, context.getAwsRequestId());
      }
      if (context.getFunctionName() != null) {
        MDC.put(FUNCTION_NAME, context.getFunctionName());
      }
    }
    return new InvocationLogContext();
  }

  @Override
  public void close() {
    MDC.remove(REQUEST_ID);
    MDC.remove(FUNCTION_NAME);
  }
}
