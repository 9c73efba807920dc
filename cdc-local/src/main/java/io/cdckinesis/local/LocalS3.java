package io.cdckinesis.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A real S3 server in this JVM (s3proxy) on a free loopback port, for tests and the demo. The SDK's
 * S3 client talks to it over HTTP exactly as it talks to AWS.
 *
 * <p>s3proxy logs every request at DEBUG; configure {@code org.gaul} and {@code org.gaul.shaded} at
 * WARN in the logging setup or it runs about twenty times slower.
 */
public final class LocalS3 implements AutoCloseable {

  private final S3Proxy proxy;
  private final URI endpoint;
  private final S3Client client;

  private LocalS3(BlobStore store, int port) {
    try {
      proxy =
          S3Proxy.builder()
              .blobStore(store)
              .endpoint(URI.create("http://127.0.0.1:" + port))
              .awsAuthentication(
                  AuthenticationType.AWS_V2_OR_V4,
                  LocalCredentials.ACCESS_KEY,
                  LocalCredentials.SECRET_KEY)
              .ignoreUnknownHeaders(true)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting s3proxy", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start s3proxy: " + e, e);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    client = clientBuilder().build();
  }

  /** Starts a server that keeps objects in memory. */
  public static LocalS3 inMemory() {
    return inMemory(0);
  }

  /** Starts a server that keeps objects in memory, on a port (0: a free one). */
  public static LocalS3 inMemory(int port) {
    return new LocalS3(new TransientNio2BlobStore(), port);
  }

  /** Starts a server that keeps buckets as folders under {@code dir} (kept after close). */
  public static LocalS3 onDisk(Path dir) {
    return onDisk(dir, 0);
  }

  /**
   * Starts a server that keeps buckets as folders under {@code dir} (kept after close), on a port
   * (0: a free one).
   */
  public static LocalS3 onDisk(Path dir, int port) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create " + dir, e);
    }
    return new LocalS3(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()), port);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client for this server, owned by it (closed with it). */
  public S3Client client() {
    return client;
  }

  /** A builder preset for this server (endpoint, path-style, credentials, region). */
  public S3ClientBuilder clientBuilder() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(LocalCredentials.REGION)
        .credentialsProvider(LocalCredentials.provider());
  }

  /** Creates a bucket; an existing one is fine. */
  public void createBucket(String bucket) {
    try {
      client.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // already there
    }
  }

  @Override
  public void close() {
    client.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop s3proxy", e);
    }
  }
}
