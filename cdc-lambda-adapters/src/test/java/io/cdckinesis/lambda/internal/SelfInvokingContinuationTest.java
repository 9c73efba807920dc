package io.cdckinesis.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

class SelfInvokingContinuationTest {

  private static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:cdc-s3";

  /** Records the requests; answers 202 as Lambda does for an accepted asynchronous invoke. */
  private static final class RecordingLambda implements LambdaClient {
    final List<InvokeRequest> requests = new ArrayList<>();

    @Override
    public InvokeResponse invoke(InvokeRequest request) {
      requests.add(request);
      return InvokeResponse.builder().statusCode(202).build();
    }

    @Override
    public String serviceName() {
      return "lambda";
    }

    @Override
    public void close() {}
  }

  @Test
  void anInvocationThroughAnAliasContinuesThroughTheSameAlias() {
    RecordingLambda lambda = new RecordingLambda();

    new SelfInvokingContinuation(lambda, context(FUNCTION + ":live"))
        .continueLater(List.of("s3://dms/dbo/customers/20260101-000000000.csv"));

    InvokeRequest r = lambda.requests.get(0);
    assertThat(r.functionName()).isEqualTo(FUNCTION + ":live");
    assertThat(r.invocationType()).isEqualTo(InvocationType.EVENT);
    assertThat(r.payload().asUtf8String()).contains("dbo/customers/20260101-000000000.csv");
  }

  @Test
  void anUnqualifiedInvocationStaysUnqualifiedAndWithoutAnArnTheNameIsUsed() {
    assertThat(SelfInvokingContinuation.target(context(FUNCTION))).isEqualTo(FUNCTION);
    assertThat(SelfInvokingContinuation.target(context(null))).isEqualTo("cdc-s3");
  }

  private static Context context(String invokedArn) {
    return new Context() {
      @Override
      public String getAwsRequestId() {
        return "req-1";
      }

      @Override
      public String getLogGroupName() {
        return "/aws/lambda/cdc-s3";
      }

      @Override
      public String getLogStreamName() {
        return "stream";
      }

      @Override
      public String getFunctionName() {
        return "cdc-s3";
      }

      @Override
      public String getFunctionVersion() {
        return "3";
      }

      @Override
      public String getInvokedFunctionArn() {
        return invokedArn;
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
        return 60_000;
      }

      @Override
      public int getMemoryLimitInMB() {
        return 1024;
      }

      @Override
      public LambdaLogger getLogger() {
        return null;
      }
    };
  }
}
