package io.cdckinesis.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.exception.DimensionSetExceededException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidDimensionException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidMetricException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Writes one CloudWatch Embedded Metric Format line per invocation (CloudWatch turns it into
 * metrics without any API call), in namespace {@value #NAMESPACE} with the function name as the
 * dimension. Metrics never carry row values.
 */
public final class EmfMetrics {

  public static final String NAMESPACE = "CdcKinesis";

  private final Environment environment;

  /** Metrics to stdout, as Lambda's log stream expects them. */
  public EmfMetrics() {
    this(new LambdaEnvironment());
  }

  private EmfMetrics(Environment environment) {
    this.environment = environment;
  }

  /**
   * Metrics handed as EMF JSON documents to {@code documents} instead of printed (tests and the
   * demo read them).
   */
  public static EmfMetrics to(Consumer<String> documents) {
    return new EmfMetrics(new DocumentEnvironment(documents));
  }

  /**
   * Emits the counts (unit Count) and durations in milliseconds (names ending in {@code Millis}).
   */
  public void emit(String functionName, Map<String, Number> values) {
    emit(functionName, null, values);
  }

  /**
   * Emits the counts as {@link #emit(String, Map)} does, with the invocation's request id as a
   * property of the document (searchable in the logs, not a dimension).
   */
  public void emit(String functionName, String requestId, Map<String, Number> values) {
    MetricsLogger logger = new MetricsLogger(environment);
    try {
      if (requestId != null) {
        logger.putProperty("requestId", requestId);
      }
      logger.setNamespace(NAMESPACE);
      logger.setDimensions(DimensionSet.of("FunctionName", functionName));
      for (Map.Entry<String, Number> v : values.entrySet()) {
        Unit unit = v.getKey().endsWith("Millis") ? Unit.MILLISECONDS : Unit.COUNT;
        logger.putMetric(v.getKey(), v.getValue().doubleValue(), unit);
      }
    } catch (InvalidNamespaceException
        | InvalidDimensionException
        | DimensionSetExceededException
        | InvalidMetricException e) {
      throw new IllegalArgumentException("invalid metric: " + e.getMessage(), e);
    }
    logger.flush();
  }

  /** An EMF environment whose sink hands each serialized document to a consumer. */
  private record DocumentEnvironment(Consumer<String> documents) implements Environment {
    @Override
    public boolean probe() {
      return true;
    }

    @Override
    public String getName() {
      return "documents";
    }

    @Override
    public String getType() {
      return "documents";
    }

    @Override
    public String getLogGroupName() {
      return "documents";
    }

    @Override
    public void configureContext(MetricsContext context) {}

    @Override
    public ISink getSink() {
      return new ISink() {
        @Override
        public void accept(MetricsContext context) {
          try {
            context.serialize().forEach(documents);
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("EMF serialization failed", e);
          }
        }

        @Override
        public CompletableFuture<Void> shutdown() {
          return CompletableFuture.completedFuture(null);
        }
      };
    }
  }
}
