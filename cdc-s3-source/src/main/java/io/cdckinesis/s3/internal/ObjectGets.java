package io.cdckinesis.s3.internal;

import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.ObjectMissingException;
import io.cdckinesis.s3.S3ObjectMetadata;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.s3.S3ReadException;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * GetObject calls pinned to one version of an object, with their failures classified. Ranged reads
 * use {@code Range: bytes=N-} (or {@code N-M}); a read without a range asks for the whole object
 * with checksum mode on, so that the SDK checks the object's stored checksum.
 */
public final class ObjectGets {

  /**
   * What a GET must match: a version id (immutable, so pinning by it is exact) and/or an ETag sent
   * as If-Match. Both null: any version (only the first GET of a read).
   */
  public record Pin(String versionId, String eTag) {

    public static final Pin NONE = new Pin(null, null);

    /** The pin after a GET answered with {@code metadata}. */
    public Pin with(S3ObjectMetadata metadata) {
      String v = versionId != null ? versionId : metadata.versionId();
      return new Pin(v, metadata.eTag());
    }

    boolean pinned() {
      return versionId != null || eTag != null;
    }

    String describe() {
      return versionId != null ? "version " + versionId : "ETag " + eTag;
    }
  }

  private final S3Client client;

  public ObjectGets(S3Client client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Opens {@code ref} from byte {@code from} to byte {@code toInclusive} (or to the end when null).
   *
   * @throws ObjectChangedException when the pin no longer matches (412) or the pinned object is
   *     gone
   * @throws S3ReadException for any other failure, classified
   */
  public ResponseInputStream<GetObjectResponse> get(
      S3ObjectRef ref, Pin pin, long from, Long toInclusive) {
    GetObjectRequest.Builder request =
        GetObjectRequest.builder().bucket(ref.bucket()).key(ref.key());
    String versionId = pin.versionId() != null ? pin.versionId() : ref.versionId();
    if (versionId != null) {
      request.versionId(versionId);
    }
    if (pin.eTag() != null) {
      request.ifMatch(pin.eTag());
    }
    if (from > 0 || toInclusive != null) {
      request.range("bytes=" + from + "-" + (toInclusive == null ? "" : toInclusive));
    } else {
      // Ask for the stored checksum: the SDK then checks the whole object at the end of the stream.
      request.checksumMode(ChecksumMode.ENABLED);
    }
    try {
      return client.getObject(request.build());
    } catch (SdkException e) {
      if (S3Errors.isPreconditionFailed(e) || (pin.pinned() && S3Errors.isNotFound(e))) {
        throw new ObjectChangedException(ref.uri(), pin.describe(), e);
      }
      if (S3Errors.isNotFound(e)) {
        throw new ObjectMissingException(ref.uri(), e);
      }
      throw S3Errors.readFailure("GetObject", ref.toString(), e);
    }
  }

  /** The metadata of the object behind a GET response, whole-object size included. */
  public static S3ObjectMetadata metadata(S3ObjectRef ref, GetObjectResponse r) {
    long size =
        ContentRanges.totalSize(
            r.contentRange(), r.contentLength() == null ? -1 : r.contentLength());
    if (size < 0) {
      throw new S3ReadException("S3 did not say how large " + ref + " is", null, true);
    }
    if (r.eTag() == null) {
      throw new S3ReadException("S3 returned no ETag for " + ref, null, false);
    }
    return new S3ObjectMetadata(
        size,
        ETags.quoted(r.eTag()),
        r.versionId(),
        r.lastModified(),
        r.contentType(),
        r.contentEncoding());
  }
}
