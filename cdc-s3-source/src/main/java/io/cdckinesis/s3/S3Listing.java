package io.cdckinesis.s3;

import io.cdckinesis.s3.internal.S3Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Lists keys under a prefix, in S3's (lexicographic) order, page by page. */
public final class S3Listing {

  private final S3Client client;

  public S3Listing(S3Client client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Up to {@code max} keys under {@code prefix} that sort after {@code startAfter} (null: from the
   * first).
   *
   * @throws S3ReadException when the listing fails (retryable when S3 says so)
   */
  public List<String> keys(String bucket, String prefix, String startAfter, int max) {
    List<String> keys = new ArrayList<>();
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder request =
            ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix)
                .maxKeys(Math.min(1000, max - keys.size()));
        if (token != null) {
          request.continuationToken(token);
        } else if (startAfter != null) {
          request.startAfter(startAfter);
        }
        ListObjectsV2Response page = client.listObjectsV2(request.build());
        for (S3Object o : page.contents()) {
          keys.add(o.key());
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null && keys.size() < max);
    } catch (SdkException e) {
      throw S3Errors.readFailure("ListObjectsV2", "s3://" + bucket + "/" + prefix, e);
    }
    return keys;
  }
}
