package dev.endpointsguard.cli;

/** Input the check cannot read: a missing or unreadable file, invalid YAML, a bad object. */
final class InputException extends RuntimeException {

  InputException(String message) {
    super(message);
  }

  InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
