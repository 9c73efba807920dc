package io.cdckinesis.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The fixed, fake credentials and region the local servers accept. Never valid on AWS. */
public final class LocalCredentials {

  public static final String ACCESS_KEY = "local-access-key";
  public static final String SECRET_KEY = "local-secret-key";
  public static final Region REGION = Region.US_EAST_1;

  private LocalCredentials() {}

  public static StaticCredentialsProvider provider() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }
}
