package io.cdckinesis.lambda;

import io.cdckinesis.core.ChangeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default handler for tables without one: logs that a change arrived (table, operation,
 * position), never the row's values. Replace it with {@link TableHandlers.Builder#defaultHandler}
 * or the {@code CDC_DEFAULT_HANDLER} variable.
 */
public class LoggingTableHandler extends TableHandler {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingTableHandler.class);

  @Override
  public void handle(ChangeRecord record) {
    LOG.atDebug()
        .setMessage("change without a registered handler")
        .addKeyValue("table", record.tableId())
        .addKeyValue("operation", record.operation().wireName())
        .addKeyValue("source", record.position())
        .log();
  }
}
