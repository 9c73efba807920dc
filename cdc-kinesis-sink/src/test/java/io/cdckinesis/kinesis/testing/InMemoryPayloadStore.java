package io.cdckinesis.kinesis.testing;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.PayloadStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A payload store in memory, for tests (the S3 one lives in cdc-s3-source). */
public final class InMemoryPayloadStore implements PayloadStore {

  private final Map<String, byte[]> byUri = new ConcurrentHashMap<>();
  private int puts;

  @Override
  public synchronized String put(String name, byte[] payload) {
    puts++;
    String uri = "mem://payloads/" + name;
    byUri.put(uri, payload.clone());
    return uri;
  }

  @Override
  public byte[] get(String uri) {
    byte[] b = byUri.get(uri);
    if (b == null) {
      throw new StoreException("no payload at " + uri, null, false);
    }
    return b.clone();
  }

  public synchronized int puts() {
    return puts;
  }

  public Map<String, byte[]> contents() {
    return Map.copyOf(byUri);
  }
}
