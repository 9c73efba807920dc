package io.cdckinesis.pipeline.testing;

import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.ObjectMissingException;
import io.cdckinesis.core.spi.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** An {@link ObjectStore} in memory for unit tests: one bucket's keys in byte order. */
public final class MemoryObjectStore implements ObjectStore {

  private record Blob(byte[] bytes, String eTag, Instant lastModified) {}

  private final Map<String, Blob> objects = new TreeMap<>();
  private final Clock clock;

  public MemoryObjectStore(Clock clock) {
    this.clock = clock;
  }

  public synchronized void put(String key, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    objects.put(key, new Blob(bytes, "\"" + md5(bytes) + "\"", clock.instant()));
  }

  public synchronized void delete(String key) {
    objects.remove(key);
  }

  public synchronized void deleteFolder(String prefix) {
    objects.keySet().removeIf(k -> k.startsWith(prefix));
  }

  @Override
  public String uri(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public synchronized List<Listed> list(String bucket, String prefix, String startAfter, int max) {
    List<Listed> out = new ArrayList<>();
    for (Map.Entry<String, Blob> e : objects.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(prefix) && (startAfter == null || k.compareTo(startAfter) > 0)) {
        out.add(
            new Listed(
                k, e.getValue().bytes().length, e.getValue().eTag(), e.getValue().lastModified()));
        if (out.size() >= max) {
          break;
        }
      }
    }
    return out;
  }

  @Override
  public synchronized List<String> folders(String bucket, String prefix) {
    TreeSet<String> out = new TreeSet<>();
    for (String k : objects.keySet()) {
      if (k.startsWith(prefix)) {
        int slash = k.indexOf('/', prefix.length());
        if (slash >= 0) {
          out.add(k.substring(0, slash + 1));
        }
      }
    }
    return new ArrayList<>(out);
  }

  @Override
  public synchronized Opened open(String bucket, String key, long fromByte, String expectedETag) {
    Blob b = objects.get(key);
    if (b == null) {
      throw new ObjectMissingException(uri(bucket, key), null);
    }
    if (expectedETag != null && !expectedETag.equals(b.eTag())) {
      throw new ObjectChangedException(uri(bucket, key), expectedETag, null);
    }
    boolean gzip = key.endsWith(".gz");
    long start = gzip ? 0 : fromByte;
    InputStream in =
        new ByteArrayInputStream(b.bytes(), (int) start, b.bytes().length - (int) start);
    return new Opened() {
      @Override
      public InputStream stream() {
        return in;
      }

      @Override
      public boolean positioned() {
        return !gzip;
      }

      @Override
      public String eTag() {
        return b.eTag();
      }

      @Override
      public void close() {}
    };
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
