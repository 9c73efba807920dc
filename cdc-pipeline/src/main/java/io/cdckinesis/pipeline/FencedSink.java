package io.cdckinesis.pipeline;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.WriteFence;
import java.util.Objects;

/**
 * Fences a sink that has no fence of its own: asks the fence before every record, control record
 * and flush it hands over, so that a writer whose lease may be lost stops before its next batch. (A
 * sink that sends while {@code write} is called sends at most what one call to it sends after the
 * last check.)
 */
public final class FencedSink implements ChangeSink {

  private final ChangeSink sink;
  private final WriteFence fence;

  public FencedSink(ChangeSink sink, WriteFence fence) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.fence = Objects.requireNonNull(fence, "fence");
  }

  @Override
  public void write(ChangeRecord record) {
    fence.check();
    sink.write(record);
  }

  @Override
  public void writeControl(ControlRecord record) {
    fence.check();
    sink.writeControl(record);
  }

  @Override
  public void flush() {
    fence.check();
    sink.flush();
  }

  /** Closes the sink; when the fence says stop, closes it without sending what is buffered. */
  @Override
  public void close() {
    try {
      fence.check();
    } catch (RuntimeException e) {
      // Do not flush: the records go out again with the next holder of the lease.
      return;
    }
    sink.close();
  }
}
