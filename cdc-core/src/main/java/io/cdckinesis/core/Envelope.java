package io.cdckinesis.core;

import java.util.Objects;

/**
 * A decoded stream record: a change, a pointer to a change too large for the stream, or a control
 * record about a whole table.
 */
public sealed interface Envelope permits Envelope.Data, Envelope.Pointer, Envelope.Control {

  /** Which table the envelope is about. */
  TableId table();

  /** Which file (and load generation) it came from. */
  SourceFile source();

  /** A change record carried in the stream record itself. */
  record Data(ChangeRecord record) implements Envelope {
    public Data {
      Objects.requireNonNull(record, "record");
    }

    public SourcePosition position() {
      return record.position();
    }

    @Override
    public TableId table() {
      return record.tableId();
    }

    @Override
    public SourceFile source() {
      return record.position().file();
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

    @Override
    public SourceFile source() {
      return position.file();
    }
  }

  /** A control record: a truncate, reload, drop or column change of a whole table. */
  record Control(ControlRecord record) implements Envelope {
    public Control {
      Objects.requireNonNull(record, "record");
    }

    @Override
    public TableId table() {
      return record.table();
    }

    @Override
    public SourceFile source() {
      return record.source();
    }
  }
}
