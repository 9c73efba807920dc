package io.cdckinesis.lambda;

import java.util.Map;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.exception.DimensionSetExceededException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidDimensionException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidMetricException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

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

  /** Metrics to the given EMF environment (tests capture them there). */
  public EmfMetrics(Environment environment) {
    this.environment = environment;
  }

  /**
   * Emits the counts (unit Count) and durations in milliseconds (names ending in {@code Millis}).
   */
  public void emit(String functionName, Map<String, Number> values) {
    MetricsLogger logger = new MetricsLogger(environment);
    try {
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
}
