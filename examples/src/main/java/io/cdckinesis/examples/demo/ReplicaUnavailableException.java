package io.cdckinesis.examples.demo;

/** The demo's replica database cannot be reached, prepared or read; the message says why. */
public final class ReplicaUnavailableException extends RuntimeException {

  ReplicaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
