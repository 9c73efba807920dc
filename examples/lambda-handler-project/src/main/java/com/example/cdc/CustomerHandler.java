package com.example.cdc;

import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a copy of {@code dbo.customers}. Here the copy is a map, to keep the example small; in your
 * handler, write to your database, cache or search index instead (and make the write idempotent: a
 * change can come again after a crash, see docs/consumer.md).
 */
public class CustomerHandler extends TableHandler {

  private final Map<List<Object>, Map<String, Object>> rows = new ConcurrentHashMap<>();

  @Override
  protected void onLoad(ChangeInput in) {
    upsert(in);
  }

  @Override
  protected void onInsert(ChangeInput in) {
    upsert(in);
  }

  @Override
  protected void onUpdate(ChangeInput in) {
    upsert(in);
  }

  @Override
  protected void onDelete(ChangeInput in) {
    rows.remove(in.keyValues());
  }

  @Override
  public void onTruncate(TruncateInput in) {
    rows.clear(); // the table was truncated, dropped or reloaded at the source
  }

  private void upsert(ChangeInput in) {
    rows.put(in.keyValues(), in.record().data());
  }

  /** The rows, by primary key values. */
  public Map<List<Object>, Map<String, Object>> rows() {
    return rows;
  }
}
