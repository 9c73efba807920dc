package io.cdckinesis.lambda.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The endpoint the AWS SDK takes from the environment for a service ({@code
 * AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ENDPOINT_URL}, or their system properties), and what a
 * custom endpoint implies for our clients: path-style S3 requests (a local server has no {@code
 * bucket.localhost} host name) and no CBOR towards a loopback Kinesis (kinesalite's CBOR answers
 * break the SDK; JSON is equally valid against AWS).
 *
 * <p>The SDK applies the endpoint itself; this only reads it to decide the above. Endpoints in the
 * shared config file ({@code endpoint_url}) are not read here.
 */
public final class ConfiguredEndpoints {

  /**
   * The system property that turns the SDK's CBOR wire format off (read when a client is built).
   */
  public static final String CBOR_PROPERTY = "aws.cborEnabled";

  /** A service, named as the SDK names its endpoint settings. */
  public enum Service {
    S3("S3"),
    KINESIS("Kinesis"),
    LAMBDA("Lambda");

    private final String id;

    Service(String id) {
      this.id = id;
    }

    /** E.g. {@code AWS_ENDPOINT_URL_KINESIS}. */
    public String environmentVariable() {
      return "AWS_ENDPOINT_URL_" + id.toUpperCase(Locale.ROOT);
    }

    /** E.g. {@code aws.endpointUrlKinesis}. */
    public String systemProperty() {
      return "aws.endpointUrl" + id;
    }
  }

  private ConfiguredEndpoints() {}

  /** The endpoint this process's environment and system properties give {@code service}. */
  public static Optional<URI> fromSystem(Service service) {
    return of(service, System::getenv, System::getProperty);
  }

  /**
   * The endpoint configured for {@code service}, in the SDK's order: the service's system property,
   * its environment variable, then the global ones; none when {@code
   * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} (or {@code aws.ignoreConfiguredEndpointUrls}) is true.
   *
   * @throws IllegalArgumentException naming the setting when its value is not a URL
   */
  public static Optional<URI> of(
      Service service, UnaryOperator<String> env, UnaryOperator<String> properties) {
    String ignore =
        first(
            properties.apply("aws.ignoreConfiguredEndpointUrls"),
            env.apply("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
    if (ignore != null && Boolean.parseBoolean(ignore.trim())) {
      return Optional.empty();
    }
    String[][] settings = {
      {service.systemProperty(), properties.apply(service.systemProperty())},
      {service.environmentVariable(), env.apply(service.environmentVariable())},
      {"aws.endpointUrl", properties.apply("aws.endpointUrl")},
      {"AWS_ENDPOINT_URL", env.apply("AWS_ENDPOINT_URL")}
    };
    for (String[] setting : settings) {
      String url = setting[1];
      if (url != null && !url.isBlank()) {
        try {
          return Optional.of(URI.create(url.trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(setting[0] + " is not a URL: " + url);
        }
      }
    }
    return Optional.empty();
  }

  /** Whether an endpoint is on this machine: {@code localhost} or a loopback address literal. */
  public static boolean isLoopback(URI endpoint) {
    String host = endpoint.getHost();
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name: never resolved here
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Turns CBOR off for this JVM when the Kinesis endpoint is on this machine (a local emulator),
   * unless CBOR was configured explicitly. Call before building the Kinesis client.
   */
  public static void disableCborForLoopback(Optional<URI> kinesisEndpoint) {
    if (kinesisEndpoint.isPresent()
        && isLoopback(kinesisEndpoint.get())
        && System.getProperty(CBOR_PROPERTY) == null
        && System.getenv("CBOR_ENABLED") == null) {
      System.setProperty(CBOR_PROPERTY, "false");
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
