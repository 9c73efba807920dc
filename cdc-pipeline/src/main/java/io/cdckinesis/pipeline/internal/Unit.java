package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.TableId;
import java.util.Objects;

/**
 * What the producer orders as one: a table folder ({@code [BucketFolder/]schema/table/}, with its
 * full-load files, segments, partition subfolders and change files), or a folder of CDC_TXN files.
 *
 * @param bucket the bucket
 * @param folder the folder's key prefix, ending with {@code /} (empty for a bucket's root)
 * @param table the table, or null for a CDC_TXN folder
 */
public record Unit(String bucket, String folder, TableId table) {

  public Unit {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(folder, "folder");
    if (!folder.isEmpty() && !folder.endsWith("/")) {
      throw new IllegalArgumentException("a unit folder ends with /: " + folder);
    }
  }

  /** The unit a DMS object belongs to. */
  public static Unit of(String bucket, DmsObjectKey key) {
    String prefix = key.prefix().isEmpty() ? "" : key.prefix() + "/";
    if (key.kind() == DmsFileKind.CDC_TXN) {
      return new Unit(bucket, prefix, null);
    }
    return new Unit(
        bucket, prefix + key.table().schema() + "/" + key.table().table() + "/", key.table());
  }

  /** Whether this is a folder of CDC_TXN files rather than a table folder. */
  public boolean transactional() {
    return table == null;
  }

  /** The id of the unit's state document. */
  public String stateId() {
    String f = folder.isEmpty() ? "~" : folder.substring(0, folder.length() - 1);
    return "tables/" + bucket + "/" + f;
  }

  /** {@code s3://bucket/folder/}. */
  public String uri() {
    return "s3://" + bucket + "/" + folder;
  }

  @Override
  public String toString() {
    return uri();
  }
}
