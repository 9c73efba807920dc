package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.DatePartitionSequence;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.DmsFileName;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.NotDmsObjectException;
import io.cdckinesis.core.spi.ObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lists what a unit holds now: its full-load files (table folder, parallel-load segments, partition
 * subfolders), its change files after the cursor in DMS order, and whether the folder is empty. The
 * listing, not an event, is what the producer decides from.
 */
public final class UnitListing {

  /** Change files taken per listing; a drain lists again when it has sent them. */
  static final int CHANGE_BATCH = 1000;

  /** A listed DMS file of the unit. */
  public record File(ObjectStore.Listed object, DmsObjectKey key) {
    public String name() {
      return object.key();
    }
  }

  /**
   * What the unit holds.
   *
   * @param loads every full-load file, in DMS order
   * @param changes change files after the cursor, in DMS order (at most {@link #CHANGE_BATCH})
   * @param empty whether the unit's folder holds no object at all
   */
  public record Snapshot(List<File> loads, List<File> changes, boolean empty) {
    public Snapshot {
      loads = List.copyOf(loads);
      changes = List.copyOf(changes);
    }

    /** The listed file with this key, if any. */
    public File find(String key) {
      for (File f : loads) {
        if (f.name().equals(key)) {
          return f;
        }
      }
      for (File f : changes) {
        if (f.name().equals(key)) {
          return f;
        }
      }
      return null;
    }
  }

  private static final Comparator<File> DMS_ORDER =
      Comparator.comparing((File f) -> f.key().fileName()).thenComparing(File::name);

  private final ObjectStore store;
  private final DmsCsvSettings settings;

  public UnitListing(ObjectStore store, DmsCsvSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Lists the unit.
   *
   * @param cursor the last change file done (its key), or null
   * @param alsoChange a change file to include even when it is not after the cursor (the one in
   *     progress), or null
   */
  public Snapshot list(Unit unit, String cursor, String alsoChange) {
    boolean empty = store.list(unit.bucket(), unit.folder(), null, 1).isEmpty();
    if (empty) {
      return new Snapshot(List.of(), List.of(), true);
    }
    List<File> loads = unit.transactional() ? List.of() : loads(unit);
    List<File> changes = changes(unit, cursor, alsoChange);
    return new Snapshot(loads, changes, false);
  }

  private List<File> loads(Unit unit) {
    Map<String, File> out = new LinkedHashMap<>();
    List<String> prefixes = new ArrayList<>();
    prefixes.add(unit.folder() + "LOAD");
    prefixes.add(unit.folder() + "SEGMENT");
    for (String sub : store.folders(unit.bucket(), unit.folder())) {
      if (!isDateFolder(sub.substring(unit.folder().length()))) {
        prefixes.add(sub + "LOAD");
        prefixes.add(sub + "SEGMENT");
      }
    }
    for (String prefix : prefixes) {
      for (ObjectStore.Listed o : store.list(unit.bucket(), prefix, null, Integer.MAX_VALUE)) {
        File f = file(unit, o);
        if (f != null && f.key().kind() == DmsFileKind.FULL_LOAD) {
          out.put(o.key(), f);
        }
      }
    }
    List<File> sorted = new ArrayList<>(out.values());
    sorted.sort(DMS_ORDER);
    return sorted;
  }

  private List<File> changes(Unit unit, String cursor, String alsoChange) {
    DmsFileName after = cursor == null ? null : DmsFileName.parseLastSegment(cursor).orElse(null);
    DmsFileKind kind = unit.transactional() ? DmsFileKind.CDC_TXN : DmsFileKind.CDC;
    // S3 lists keys in byte order; change files' names (and YYYY-first date folders) sort in time.
    String startAfter = lexicographicInTime() ? cursor : null;
    List<File> out = new ArrayList<>();
    String from = startAfter;
    while (true) {
      List<ObjectStore.Listed> page = store.list(unit.bucket(), unit.folder(), from, CHANGE_BATCH);
      for (ObjectStore.Listed o : page) {
        File f = file(unit, o);
        if (f == null || f.key().kind() != kind) {
          continue;
        }
        if (after == null
            || f.key().fileName().compareTo(after) > 0
            || o.key().equals(alsoChange)) {
          out.add(f);
        }
      }
      if (page.size() < CHANGE_BATCH || (startAfter != null && out.size() >= CHANGE_BATCH)) {
        break;
      }
      from = page.get(page.size() - 1).key();
    }
    if (alsoChange != null && out.stream().noneMatch(f -> f.name().equals(alsoChange))) {
      for (ObjectStore.Listed o : store.list(unit.bucket(), alsoChange, null, 1)) {
        File f = file(unit, o);
        if (f != null && o.key().equals(alsoChange)) {
          out.add(f);
        }
      }
    }
    out.sort(DMS_ORDER);
    return out.size() > CHANGE_BATCH ? out.subList(0, CHANGE_BATCH) : out;
  }

  /** The DMS file of this unit a listed object is, or null. */
  private File file(Unit unit, ObjectStore.Listed o) {
    DmsObjectKey key;
    try {
      key = DmsObjectKey.parse(o.key(), settings);
    } catch (NotDmsObjectException e) {
      return null;
    }
    return Unit.of(unit.bucket(), key).equals(unit) ? new File(o, key) : null;
  }

  private boolean isDateFolder(String name) {
    if (!settings.datePartitionEnabled()) {
      return false;
    }
    String first = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    return !first.isEmpty()
        && first.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-' || c == '_');
  }

  /** Whether S3's key order is time order for change files, so listing can start at the cursor. */
  private boolean lexicographicInTime() {
    if (!settings.datePartitionEnabled()) {
      return true;
    }
    DatePartitionSequence s = settings.datePartitionSequence();
    return s == DatePartitionSequence.YYYYMMDD
        || s == DatePartitionSequence.YYYYMMDDHH
        || s == DatePartitionSequence.YYYYMM;
  }
}
