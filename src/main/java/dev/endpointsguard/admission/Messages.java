package dev.endpointsguard.admission;

/** Text helpers for answers built from exceptions. */
final class Messages {

  private Messages() {}

  /** Exception messages can span lines (parsers append context); an answer carries the first. */
  static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
