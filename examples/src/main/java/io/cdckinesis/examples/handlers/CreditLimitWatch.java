package io.cdckinesis.examples.handlers;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example of a custom handler: a fraud-style rule on the classicmodels {@code customers} table.
 * It remembers each customer's credit limit and raises an alert when an update raises it by more
 * than half, or when a customer with a limit is deleted and re-created within the stream (a pattern
 * worth a look). Alerts name the customer number, never personal data.
 *
 * <p>Register it for the table: {@code CDC_TABLE_HANDLERS=classicmodels.customers=
 * io.cdckinesis.examples.handlers.CreditLimitWatch}.
 */
public class CreditLimitWatch extends TableHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CreditLimitWatch.class);
  private static final BigDecimal THRESHOLD = new BigDecimal("1.5");

  /** An alert raised by the rule. */
  public record Alert(Object customerNumber, String rule) {}

  /** A customer's last known limit, and the load generation it was seen in. */
  private record Limit(BigDecimal amount, long generation) {}

  private final Map<Object, Limit> limits = new ConcurrentHashMap<>();
  private final Map<Object, Long> deleted = new ConcurrentHashMap<>();
  private final List<Alert> alerts = new ArrayList<>();

  @Override
  protected void onInsert(ChangeInput in) {
    ChangeRecord r = in.record();
    Object customer = r.value("customerNumber");
    if (deleted.remove(customer) != null) {
      alert(customer, "deleted and re-created");
    }
    limits.put(customer, new Limit(limitOf(r), in.generation()));
  }

  @Override
  protected void onUpdate(ChangeInput in) {
    ChangeRecord r = in.record();
    Object customer = r.value("customerNumber");
    BigDecimal now = limitOf(r);
    Limit before = limits.put(customer, new Limit(now, in.generation()));
    if (before != null
        && before.amount().signum() > 0
        && now.compareTo(before.amount().multiply(THRESHOLD)) > 0) {
      alert(customer, "credit limit raised by more than 50%");
    }
  }

  @Override
  protected void onDelete(ChangeInput in) {
    Object customer = in.record().value("customerNumber");
    limits.remove(customer);
    deleted.put(customer, in.generation());
  }

  /** The table was truncated or reloaded: what was known from older generations no longer holds. */
  @Override
  public void onTruncate(TruncateInput in) {
    limits.values().removeIf(l -> l.generation() < in.generation());
    deleted.values().removeIf(g -> g < in.generation());
  }

  /** The alerts raised so far, in order. */
  public synchronized List<Alert> alerts() {
    return List.copyOf(alerts);
  }

  private synchronized void alert(Object customer, String rule) {
    alerts.add(new Alert(customer, rule));
    LOG.atWarn()
        .setMessage("credit alert")
        .addKeyValue("customerNumber", customer)
        .addKeyValue("rule", rule)
        .log();
  }

  private static BigDecimal limitOf(ChangeRecord r) {
    Object v = r.value("creditLimit");
    if (v == null) {
      return BigDecimal.ZERO;
    }
    return v instanceof BigDecimal d ? d : new BigDecimal(v.toString().trim());
  }
}
