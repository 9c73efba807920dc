package io.cdckinesis.kinesis.testing;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.local.sim.StoredRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes what a simulated stream holds back into change records. */
public final class ReadBack {

  private ReadBack() {}

  /** Every change record in the order stored (aggregates unpacked in place). */
  public static List<ChangeRecord> records(List<StoredRecord> stored) {
    EnvelopeCodec codec = EnvelopeCodec.create();
    List<ChangeRecord> out = new ArrayList<>();
    for (StoredRecord s : stored) {
      for (DeaggregatedRecord d :
          KplDeaggregator.deaggregate(s.data(), s.partitionKey(), s.explicitHashKey())) {
        out.add(codec.decodeRecord(d.data()));
      }
    }
    return out;
  }

  /** The source rows written for each primary-key value, in stored order. */
  public static Map<Object, List<Long>> rowsByKey(List<ChangeRecord> records) {
    Map<Object, List<Long>> out = new LinkedHashMap<>();
    for (ChangeRecord r : records) {
      out.computeIfAbsent(r.keyValues().get(0), k -> new ArrayList<>()).add(r.position().row());
    }
    return out;
  }
}
