package io.cdckinesis.local.dms;

import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableId;
import java.time.LocalDateTime;
import java.util.List;

/**
 * One change committed at the simulated source: the row after an insert or update, the row as it
 * was before a delete (as DMS writes them).
 */
public record SourceChange(
    Operation operation, TableId table, List<Object> row, LocalDateTime commitTime) {}
