package io.cdckinesis.s3;

import io.cdckinesis.core.spi.ObjectStore;
import io.cdckinesis.s3.internal.S3Errors;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * DMS files in S3: listings through ListObjectsV2, reads through an {@link S3ObjectSource}
 * (resumable, pinned to the ETag). Stateless and thread-safe; never closes the client.
 */
public final class S3ObjectStore implements ObjectStore {

  private final S3Client client;
  private final S3ObjectSource source;

  public S3ObjectStore(S3Client client) {
    this(client, S3ObjectSource.builder().client(client).build());
  }

  public S3ObjectStore(S3Client client, S3ObjectSource source) {
    this.client = Objects.requireNonNull(client, "client");
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public String uri(String bucket, String key) {
    return S3ObjectRef.of(bucket, key).uri();
  }

  @Override
  public List<Listed> list(String bucket, String prefix, String startAfter, int max) {
    List<Listed> out = new ArrayList<>();
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder request =
            ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix)
                .maxKeys(Math.min(1000, max - out.size()));
        if (token != null) {
          request.continuationToken(token);
        } else if (startAfter != null) {
          request.startAfter(startAfter);
        }
        ListObjectsV2Response page = client.listObjectsV2(request.build());
        for (S3Object o : page.contents()) {
          out.add(new Listed(o.key(), o.size() == null ? 0 : o.size(), o.eTag(), o.lastModified()));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null && out.size() < max);
    } catch (SdkException e) {
      throw S3Errors.readFailure("ListObjectsV2", "s3://" + bucket + "/" + prefix, e);
    }
    return out;
  }

  @Override
  public List<String> folders(String bucket, String prefix) {
    List<String> out = new ArrayList<>();
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder request =
            ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).delimiter("/");
        if (token != null) {
          request.continuationToken(token);
        }
        ListObjectsV2Response page = client.listObjectsV2(request.build());
        for (CommonPrefix p : page.commonPrefixes()) {
          out.add(p.prefix());
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw S3Errors.readFailure("ListObjectsV2", "s3://" + bucket + "/" + prefix, e);
    }
    return out;
  }

  @Override
  public Opened open(String bucket, String key, long fromByte, String expectedETag) {
    S3ObjectStream in = source.open(S3ObjectRef.of(bucket, key), fromByte, expectedETag);
    return new Opened() {
      @Override
      public InputStream stream() {
        return in;
      }

      @Override
      public boolean positioned() {
        return in.positioned();
      }

      @Override
      public String eTag() {
        return in.metadata().eTag();
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }
}
