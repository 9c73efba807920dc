package io.cdckinesis.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.spi.ContinuationInvoker;
import io.cdckinesis.s3.S3ObjectRef;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Continues an object in a new invocation of the same function: an asynchronous invoke (Lambda
 * queues it durably and retries it on failure) whose payload is an S3 event for that one object,
 * exactly as S3 would send it. The new invocation finds the checkpoint and resumes.
 */
public final class SelfInvokingContinuation implements ContinuationInvoker {

  private final LambdaClient lambda;
  private final String functionName;

  /**
   * Invokes the function the way this invocation was invoked: by the ARN in the context, so that an
   * invocation through an alias continues through the same alias (the published, SnapStart version
   * the alias points at; the template's role may invoke exactly the aliases), and an unqualified
   * one stays unqualified. Without an ARN (local runs), by the function's name.
   */
  public SelfInvokingContinuation(LambdaClient lambda, Context context) {
    this.lambda = lambda;
    this.functionName = target(context);
  }

  static String target(Context context) {
    String arn = context == null ? null : context.getInvokedFunctionArn();
    if (arn != null && !arn.isBlank()) {
      return arn;
    }
    String name = context == null ? null : context.getFunctionName();
    return name != null ? name : System.getenv("AWS_LAMBDA_FUNCTION_NAME");
  }

  @Override
  public void continueLater(List<String> objectUris) {
    List<S3ObjectRef> objects = objectUris.stream().map(S3ObjectRef::parse).toList();
    S3ObjectRef object = objects.get(0);
    if (functionName == null) {
      throw new CdcException(
          "cannot continue " + object.uri() + ": no function name in the context");
    }
    InvokeResponse r;
    try {
      r =
          lambda.invoke(
              b ->
                  b.functionName(functionName)
                      .invocationType(InvocationType.EVENT)
                      .payload(SdkBytes.fromByteArray(S3Notifications.json(objects))));
    } catch (SdkException e) {
      throw new CdcException("cannot queue the continuation of " + object.uri() + ": " + e, e);
    }
    if (r.statusCode() != 202) {
      throw new CdcException(
          "continuation of " + object.uri() + " not accepted: status " + r.statusCode());
    }
  }
}
