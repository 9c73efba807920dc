package io.cdckinesis.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.lambda.internal.ConfiguredEndpoints.Service;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfiguredEndpointsTest {

  private static Optional<URI> of(Service s, Map<String, String> env, Map<String, String> props) {
    return ConfiguredEndpoints.of(s, env::get, props::get);
  }

  @Test
  void theServicesSettingWinsOverTheGlobalOneAndPropertiesOverVariables() {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:9999");

    assertThat(of(Service.KINESIS, env, Map.of())).contains(URI.create("http://127.0.0.1:4567"));
    assertThat(of(Service.S3, env, Map.of())).contains(URI.create("http://127.0.0.1:9999"));
    assertThat(of(Service.KINESIS, env, Map.of("aws.endpointUrlKinesis", "http://localhost:1")))
        .contains(URI.create("http://localhost:1"));
    assertThat(of(Service.LAMBDA, Map.of(), Map.of())).isEmpty();
    assertThat(Service.S3.environmentVariable()).isEqualTo("AWS_ENDPOINT_URL_S3");
    assertThat(Service.KINESIS.systemProperty()).isEqualTo("aws.endpointUrlKinesis");
  }

  @Test
  void aValueThatIsNotAUrlNamesItsSetting() {
    assertThatThrownBy(
            () -> of(Service.S3, Map.of("AWS_ENDPOINT_URL_S3", "http://local host"), Map.of()))
        .hasMessage("AWS_ENDPOINT_URL_S3 is not a URL: http://local host");
  }

  @Test
  void configuredEndpointsCanBeIgnoredAsTheSdkAllows() {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_S3", "http://localhost:4568",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");

    assertThat(of(Service.S3, env, Map.of())).isEmpty();
  }

  @Test
  void loopbackEndpointsAreLocalhostOrLoopbackLiterals() {
    assertThat(ConfiguredEndpoints.isLoopback(URI.create("http://127.0.0.1:4567"))).isTrue();
    assertThat(ConfiguredEndpoints.isLoopback(URI.create("http://127.0.0.2:4567"))).isTrue();
    assertThat(ConfiguredEndpoints.isLoopback(URI.create("http://localhost:4567"))).isTrue();
    assertThat(ConfiguredEndpoints.isLoopback(URI.create("http://[::1]:4567"))).isTrue();
    assertThat(
            ConfiguredEndpoints.isLoopback(URI.create("https://kinesis.us-east-1.amazonaws.com")))
        .isFalse();
    assertThat(ConfiguredEndpoints.isLoopback(URI.create("http://10.1.2.3:4567"))).isFalse();
    assertThat(ConfiguredEndpoints.isLoopback(URI.create("http://localhost.example.com")))
        .isFalse();
  }

  @Test
  void pathStyleForACustomS3EndpointUnlessSetOtherwise() {
    Optional<URI> custom = Optional.of(URI.create("https://bucket.vpce-1.s3.amazonaws.com"));

    assertThat(FunctionClients.pathStyle(null, Optional.empty())).isFalse();
    assertThat(FunctionClients.pathStyle(null, custom)).isTrue();
    assertThat(FunctionClients.pathStyle(false, custom)).isFalse();
    assertThat(FunctionClients.pathStyle(true, Optional.empty())).isTrue();
  }
}
