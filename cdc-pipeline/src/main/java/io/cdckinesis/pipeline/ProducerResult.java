package io.cdckinesis.pipeline;

import java.util.List;

/**
 * What one producer run did (an invocation, a sweep, a {@code cdc load}).
 *
 * @param objects the outcome per object or table, in the order they happened
 * @param malformedRecords event records that could not be understood (logged; nothing to do)
 * @param rows rows read across objects
 * @param records change records sent
 * @param rejected rows rejected (stored in the rejects location)
 */
public record ProducerResult(
    List<ObjectOutcome> objects, int malformedRecords, long rows, long records, long rejected) {

  public ProducerResult {
    objects = List.copyOf(objects);
  }

  public static ProducerResult of(List<ObjectOutcome> objects, int malformed) {
    long rows = 0;
    long records = 0;
    long rejected = 0;
    for (ObjectOutcome o : objects) {
      rows += o.rows();
      records += o.records();
      rejected += o.rejected();
    }
    return new ProducerResult(objects, malformed, rows, records, rejected);
  }

  /** How many objects ended with the given status. */
  public long count(ObjectOutcome.Status status) {
    return objects.stream().filter(o -> o.status() == status).count();
  }
}
