package com.example.cdc;

import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.lambda.KinesisChangeHandler;

/**
 * The consumer function with this project's handlers. Deploy the shaded jar with the handler {@code
 * com.example.cdc.ChangeHandler::handleRequest}. Tables without a handler here go to the default
 * handler ({@code CDC_DEFAULT_HANDLER}); handlers named in {@code CDC_TABLE_HANDLERS} are
 * registered too.
 */
public class ChangeHandler extends KinesisChangeHandler {

  private final CustomerHandler customers = new CustomerHandler();

  @Override
  protected void configure(TableHandlers.Builder handlers) {
    handlers.register("dbo.customers", customers);
  }

  CustomerHandler customers() {
    return customers;
  }
}
