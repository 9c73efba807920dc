package io.cdckinesis.pipeline;

import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.ObjectMissingException;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * DMS files in a folder on disk, laid out as DMS lays them out in S3 ({@code
 * [BucketFolder/]schema/table/file}), for {@code cdc load} from disk and for tests. The "bucket" is
 * the root folder's name; keys are paths below it with {@code /}. A file's ETag is its size and
 * modification time, which change when it is rewritten.
 */
public final class LocalFileStore implements ObjectStore {

  /** When every file of the snapshot is listed as written. */
  static final Instant SNAPSHOT_TIME = Instant.EPOCH;

  private final Path root;

  public LocalFileStore(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  /** The bucket name this store answers to: the root folder's name. */
  public String bucket() {
    Path name = root.getFileName();
    return name == null ? "root" : name.toString();
  }

  @Override
  public String uri(String bucket, String key) {
    return root.resolve(key).toString();
  }

  @Override
  public List<Listed> list(String bucket, String prefix, String startAfter, int max) {
    TreeMap<String, Listed> keys = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .forEach(
              f -> {
                String key = key(f);
                if (key.startsWith(prefix)
                    && (startAfter == null || key.compareTo(startAfter) > 0)) {
                  keys.put(key, listed(f, key));
                }
              });
    } catch (IOException e) {
      throw new StoreException("cannot list " + root + ": " + e.getMessage(), e, false);
    }
    List<Listed> out = new ArrayList<>();
    for (Listed l : keys.values()) {
      if (out.size() >= max) {
        break;
      }
      out.add(l);
    }
    return out;
  }

  @Override
  public List<String> folders(String bucket, String prefix) {
    TreeSet<String> out = new TreeSet<>();
    for (Listed l : list(bucket, prefix, null, Integer.MAX_VALUE)) {
      int slash = l.key().indexOf('/', prefix.length());
      if (slash >= 0) {
        out.add(l.key().substring(0, slash + 1));
      }
    }
    return new ArrayList<>(out);
  }

  @Override
  public Opened open(String bucket, String key, long fromByte, String expectedETag) {
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("key outside the root folder: " + key);
    }
    Listed now;
    try {
      now = listed(file, key);
    } catch (RuntimeException e) {
      if (!Files.exists(file)) {
        throw new ObjectMissingException(file.toString(), e);
      }
      throw e;
    }
    if (expectedETag != null && !expectedETag.equals(now.eTag())) {
      throw new ObjectChangedException(file.toString(), expectedETag, null);
    }
    boolean gzip = key.endsWith(".gz");
    InputStream in;
    try {
      SeekableByteChannel channel = Files.newByteChannel(file);
      if (!gzip) {
        channel.position(fromByte);
      }
      in = Channels.newInputStream(channel);
    } catch (NoSuchFileException e) {
      throw new ObjectMissingException(file.toString(), e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e, false);
    }
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
        return now.eTag();
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  private String key(Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  private static Listed listed(Path file, String key) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Instant modified = a.lastModifiedTime().toInstant();
      // A copy on disk is a snapshot: its files' times say when they were copied or checked out,
      // not when DMS wrote them, so they must not order a table's files (a change file copied a
      // second before its full load would read as written before a reload). Every file is listed
      // as written at the same instant; the ETag still changes when a file is rewritten.
      return new Listed(
          key, a.size(), "\"" + a.size() + "-" + modified.toEpochMilli() + "\"", SNAPSHOT_TIME);
    } catch (IOException e) {
      throw new StoreException(
          "cannot read the attributes of " + file + ": " + e.getMessage(), e, false);
    }
  }
}
