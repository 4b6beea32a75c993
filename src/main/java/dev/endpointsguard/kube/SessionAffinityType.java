package dev.endpointsguard.kube;

import java.util.Optional;

/** The two values of a Service's {@code spec.sessionAffinity}, spelled as the API spells them. */
public enum SessionAffinityType {
  None,
  ClientIP;

  /** The longest {@code sessionAffinityConfig.clientIP.timeoutSeconds} the API server accepts. */
  public static final int MAX_TIMEOUT_SECONDS = 86400;

  public static Optional<SessionAffinityType> parse(String value) {
    for (SessionAffinityType t : values()) {
      if (t.name().equals(value)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
