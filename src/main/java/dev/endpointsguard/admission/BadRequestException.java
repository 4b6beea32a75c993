package dev.endpointsguard.admission;

/**
 * A request that cannot be answered with an AdmissionReview: answered with an HTTP status and
 * {@code {"error": …}}.
 */
public class BadRequestException extends RuntimeException {

  private final int status;

  public BadRequestException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
