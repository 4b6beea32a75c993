package dev.endpointsguard.cli;

/** A command line the check does not understand; the usage text follows the message. */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message);
  }
}
