package io.cdckinesis.core.spi;

/**
 * Stores payloads too large for one stream record (a claim check): the producer puts the record
 * here and sends a small pointer; the consumer gets it back by the pointer's URI.
 */
public interface PayloadStore {

  /**
   * Stores a payload under a name unique to the record (the same record always gets the same name,
   * so a retried write overwrites rather than duplicates).
   *
   * @return the URI to put in the pointer, e.g. {@code s3://bucket/prefix/name}
   * @throws io.cdckinesis.core.StoreException when the payload cannot be stored
   */
  String put(String name, byte[] payload);

  /**
   * Gets a payload back.
   *
   * @throws io.cdckinesis.core.StoreException when it cannot be read (missing, no access)
   */
  byte[] get(String uri);
}
