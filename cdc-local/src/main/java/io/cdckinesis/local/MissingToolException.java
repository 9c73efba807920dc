package io.cdckinesis.local;

/**
 * A program the local servers need (Node.js, npm) is not installed or not on the PATH. The message
 * is one line naming the program and how to provide it.
 */
public final class MissingToolException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  MissingToolException(String message) {
    super(message);
  }

  /** {@code tool} could not be started; {@code variable} names another executable. */
  public static MissingToolException of(String tool, String why, String variable) {
    return new MissingToolException(
        tool
            + " is not installed or not on the PATH ("
            + why
            + "): install Node.js with npm (https://nodejs.org), or set "
            + variable
            + " to its path");
  }
}
