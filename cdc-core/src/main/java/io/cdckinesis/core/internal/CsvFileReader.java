package io.cdckinesis.core.internal;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.spi.RejectSink;
import java.io.InputStream;

/** Reads one DMS CSV file. TODO(core reader issue): implementation in progress. */
public final class CsvFileReader implements DmsFileReader {

  public CsvFileReader(
      DmsCsvReader config,
      RejectSink rejects,
      String objectUri,
      DmsObjectKey key,
      InputStream in,
      ReadProgress from,
      boolean positioned) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public ChangeRecord read() {
    throw new UnsupportedOperationException();
  }

  @Override
  public ReadProgress progress() {
    throw new UnsupportedOperationException();
  }

  @Override
  public long rejectedRows() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
