package io.cdckinesis.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One-line descriptions of why a configuration file (settings, table definitions) could not be
 * read: what went wrong and where, without Java class names or Jackson's notes about the source
 * ("REDACTED (StreamReadFeature...)").
 */
public final class ConfigFileProblems {

  private ConfigFileProblems() {}

  /** Why a file could not be opened or read, e.g. {@code no such file}. */
  public static String unreadable(IOException e) {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** Why text is not valid JSON, with the line and column, e.g. {@code unexpected ... at 1:2}. */
  public static String invalidJson(IOException e) {
    if (!(e instanceof JsonProcessingException j)) {
      return unreadable(e);
    }
    String what = j.getOriginalMessage();
    JsonLocation at = j.getLocation();
    return (what == null ? "invalid JSON" : what)
        + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
  }
}
