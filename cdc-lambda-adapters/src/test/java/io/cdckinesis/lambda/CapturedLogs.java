package io.cdckinesis.lambda;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Every log event of the JVM while open (an appender on the root logger), with the {@code
 * io.cdckinesis} loggers lowered to a chosen level. {@link #text()} renders each event with all it
 * carries (message with arguments, key/value pairs, MDC, throwable with causes and stack), so that
 * a scan of it sees whatever any encoder could print.
 */
final class CapturedLogs implements AutoCloseable {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;
  private final Logger ours;
  private final Level oursBefore;

  CapturedLogs(Level ourLevel) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ours = context.getLogger("io.cdckinesis");
    oursBefore = ours.getLevel();
    ours.setLevel(ourLevel);
    appender.setContext(context);
    appender.setName("captured-" + System.identityHashCode(this));
    appender.start();
    root.addAppender(appender);
  }

  CapturedLogs() {
    this(Level.INFO);
  }

  /** The events so far. */
  List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase.doAppend holds this lock while appending
      return new ArrayList<>(appender.list);
    }
  }

  /** The events whose message is exactly {@code message}. */
  List<ILoggingEvent> withMessage(String message) {
    return events().stream().filter(e -> message.equals(e.getMessage())).toList();
  }

  /** An event's key/value pairs, in order. */
  static Map<String, Object> keyValues(ILoggingEvent event) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        out.put(kv.key, kv.value);
      }
    }
    return out;
  }

  /** Every event as text, one block per event. */
  String text() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : events()) {
      sb.append(e.getLevel())
          .append(' ')
          .append(e.getLoggerName())
          .append(" - ")
          .append(e.getFormattedMessage());
      keyValues(e).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      e.getMDCPropertyMap().forEach((k, v) -> sb.append(" mdc.").append(k).append('=').append(v));
      if (e.getThrowableProxy() != null) {
        sb.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    ours.setLevel(oursBefore);
  }
}
