package dev.endpointsguard.audit;

/** Where the leader's audit records a Kubernetes Event for a violation. */
@FunctionalInterface
public interface EventSink {

  /**
   * Records one Event about the violation's object.
   *
   * @throws RuntimeException when it could not be recorded (the audit tries again next run)
   */
  void record(Violation violation);
}
