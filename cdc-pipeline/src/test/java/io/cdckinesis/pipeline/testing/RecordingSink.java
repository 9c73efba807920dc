package io.cdckinesis.pipeline.testing;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.WriteFence;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink that keeps what was flushed, in order, and asks its fence before every flush (the write
 * call of this sink). What was written but not flushed when the run dies is lost, as with a stream
 * sink whose batch never went out.
 */
public final class RecordingSink implements ChangeSink {

  private final List<Object> flushed;
  private final WriteFence fence;
  private final List<Object> buffer = new ArrayList<>();

  public RecordingSink(List<Object> flushed, WriteFence fence) {
    this.flushed = flushed;
    this.fence = fence;
  }

  @Override
  public void write(ChangeRecord record) {
    buffer.add(record);
  }

  @Override
  public void writeControl(ControlRecord record) {
    buffer.add(record);
  }

  @Override
  public void flush() {
    if (buffer.isEmpty()) {
      return;
    }
    fence.check();
    synchronized (flushed) {
      flushed.addAll(buffer);
    }
    buffer.clear();
  }

  @Override
  public void close() {
    flush();
  }
}
