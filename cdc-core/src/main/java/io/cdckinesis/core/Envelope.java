package io.cdckinesis.core;

import java.util.Objects;

/** A decoded stream record: a change, or a pointer to a change too large for the stream. */
public sealed interface Envelope permits Envelope.Data, Envelope.Pointer {

  /** Which row the envelope is about. */
  SourcePosition position();

  /** Which table the envelope is about. */
  TableId table();

  /** A change record carried in the stream record itself. */
  record Data(ChangeRecord record) implements Envelope {
    public Data {
      Objects.requireNonNull(record, "record");
    }

    @Override
    public SourcePosition position() {
      return record.position();
    }

    @Override
    public TableId table() {
      return record.tableId();
    }
  }

  /** A claim check: the full envelope (a {@link Data} envelope's bytes) is in a payload store. */
  record Pointer(
      PayloadPointer payload, Operation operation, TableId table, SourcePosition position)
      implements Envelope {
    public Pointer {
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(position, "position");
    }
  }
}
