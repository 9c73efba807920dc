package io.cdckinesis.s3;

import io.cdckinesis.core.CdcException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Object keys as S3 event notifications carry them. S3 URL-encodes keys in events the way HTML
 * forms are encoded: a space becomes {@code +}, a real plus sign {@code %2B}, and every other
 * reserved or non-ASCII character {@code %XX} per UTF-8 byte. Decode before reading the object, or
 * keys with spaces, plus signs or accents are not found.
 */
public final class S3EventKeys {

  private S3EventKeys() {}

  /**
   * Decodes a key from an S3 event, like {@code
   * S3EventNotification.S3ObjectEntity#getUrlDecodedKey} of aws-lambda-java-events.
   *
   * @throws CdcException when the key is not valid URL encoding (a {@code %} not followed by two
   *     hex digits)
   */
  public static String decode(String urlEncodedKey) {
    Objects.requireNonNull(urlEncodedKey, "urlEncodedKey");
    try {
      // Form decoding is exactly S3's event encoding: '+' is a space, %XX are UTF-8 bytes.
      return URLDecoder.decode(urlEncodedKey, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new CdcException(
          "S3 event key is not valid URL encoding (" + e.getMessage() + "): " + urlEncodedKey, e);
    }
  }
}
