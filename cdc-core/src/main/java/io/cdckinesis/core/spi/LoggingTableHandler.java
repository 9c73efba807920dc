package io.cdckinesis.core.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default handler for tables without one: logs that a change arrived (table, operation,
 * position) at DEBUG and table resets and column changes at INFO, never the row's values. Replace
 * it with {@link TableHandlers.Builder#defaultHandler} or the {@code CDC_DEFAULT_HANDLER} variable.
 */
public class LoggingTableHandler extends TableHandler {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingTableHandler.class);

  @Override
  public void handle(ChangeInput input) {
    LOG.atDebug()
        .setMessage("change without a registered handler")
        .addKeyValue("table", input.table())
        .addKeyValue("operation", input.record().operation().wireName())
        .addKeyValue("source", input.position())
        .log();
  }

  @Override
  public void onTruncate(TruncateInput input) {
    LOG.atInfo()
        .setMessage("table reset without a registered handler")
        .addKeyValue("table", input.table())
        .addKeyValue("generation", input.generation())
        .addKeyValue("reason", input.reason())
        .log();
  }

  @Override
  public void onSchemaChange(SchemaChangeInput input) {
    LOG.atInfo()
        .setMessage("column change without a registered handler")
        .addKeyValue("table", input.table())
        .addKeyValue("operation", input.operation().wireName())
        .addKeyValue("columns", input.columns())
        .log();
  }
}
