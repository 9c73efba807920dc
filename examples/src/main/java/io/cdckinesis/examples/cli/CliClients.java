package io.cdckinesis.examples.cli;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.lambda.internal.ConfiguredEndpoints;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The AWS clients of the command line. The CLI is the one place outside the Lambda adapters that
 * builds clients: credentials come from the SDK's default chain (environment, profile, SSO,
 * container or instance role), the region from {@code --region} or the default chain, and endpoints
 * can be overridden for local emulators or VPC endpoints.
 */
final class CliClients {

  /** The region used against an overridden endpoint when none is configured. */
  static final Region LOCAL_FALLBACK_REGION = Region.US_EAST_1;

  private CliClients() {}

  /**
   * The region: the option, else the default chain ({@code AWS_REGION}, {@code aws.region}, the
   * profile, instance metadata); with an endpoint override and none configured, us-east-1 (local
   * emulators accept any region).
   *
   * @throws ConfigurationException when no region is known and no endpoint is overridden
   */
  static Region region(String option, boolean endpointOverridden, Supplier<Region> defaultChain) {
    if (option != null) {
      if (option.isBlank()) {
        throw new ConfigurationException("--region is blank");
      }
      return Region.of(option.trim());
    }
    try {
      Region r = defaultChain.get();
      if (r != null) {
        return r;
      }
    } catch (SdkClientException e) {
      // no region configured: decided below
    }
    if (endpointOverridden) {
      return LOCAL_FALLBACK_REGION;
    }
    throw new ConfigurationException(
        "no AWS region configured: give --region, or set AWS_REGION or a profile's region");
  }

  /** The default chain's region, or an exception when it finds none. */
  static Region defaultChainRegion() {
    return DefaultAwsRegionProviderChain.builder().build().getRegion();
  }

  /** What to do when the default chain finds no credentials, in one line. */
  static final String NO_CREDENTIALS =
      "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values for"
          + " a local emulator), or AWS_PROFILE";

  /**
   * The credentials provider, checked once before any call: a missing setup is reported in one line
   * with the fix, instead of the SDK's account of every provider it tried.
   *
   * @throws ConfigurationException when the provider finds no credentials
   */
  static AwsCredentialsProvider credentials(AwsCredentialsProvider provider) {
    try {
      provider.resolveCredentials();
    } catch (SdkClientException e) {
      throw new ConfigurationException(NO_CREDENTIALS);
    }
    return provider;
  }

  /**
   * Checks an endpoint given on the command line.
   *
   * @throws IllegalArgumentException unless it is an absolute http or https URL with a host
   */
  static URI endpoint(String option, String value) {
    URI uri;
    try {
      uri = URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " is not a URL: " + value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          option + " must be an http:// or https:// URL with a host, got " + value);
    }
    return uri;
  }

  /**
   * The endpoint of a service: the option's, else the one the SDK's settings give ({@code
   * AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ENDPOINT_URL}), else null for AWS's own.
   *
   * @throws IllegalArgumentException naming the option or setting when it is not a usable URL
   */
  static URI endpoint(String option, String value, ConfiguredEndpoints.Service service) {
    return value != null
        ? endpoint(option, value)
        : ConfiguredEndpoints.fromSystem(service).orElse(null);
  }

  /**
   * A Kinesis client. Against a local endpoint the SDK's CBOR wire format is turned off for this
   * JVM: kinesalite's CBOR answers break the SDK, and JSON is equally valid against AWS.
   */
  static KinesisClient kinesis(Region region, URI endpoint, AwsCredentialsProvider credentials) {
    ConfiguredEndpoints.disableCborForLoopback(Optional.ofNullable(endpoint));
    KinesisClientBuilder b =
        KinesisClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return b.build();
  }

  /** An S3 client; with an endpoint override it uses path-style requests (bucket in the path). */
  static S3Client s3(Region region, URI endpoint, AwsCredentialsProvider credentials) {
    S3ClientBuilder b =
        S3Client.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    if (endpoint != null) {
      b.endpointOverride(endpoint).forcePathStyle(true);
    }
    return b.build();
  }
}
