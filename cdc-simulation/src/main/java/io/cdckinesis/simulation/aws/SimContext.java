package io.cdckinesis.simulation.aws;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The Lambda context of a simulated invocation: a deterministic request id, the function name, and
 * the time left until the invocation's deadline on the virtual clock.
 */
public final class SimContext implements Context {

  private static final LambdaLogger SILENT =
      new LambdaLogger() {
        @Override
        public void log(String message) {}

        @Override
        public void log(byte[] message) {}
      };

  private final String requestId;
  private final String functionName;
  private final Clock clock;
  private final Instant deadline;

  public SimContext(String requestId, String functionName, Clock clock, Instant deadline) {
    this.requestId = requestId;
    this.functionName = functionName;
    this.clock = clock;
    this.deadline = deadline;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "simulated";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    long left = Duration.between(clock.instant(), deadline).toMillis();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
  }

  @Override
  public int getMemoryLimitInMB() {
    return 1024;
  }

  @Override
  public LambdaLogger getLogger() {
    return SILENT;
  }
}
