package dev.endpointsguard.config;

import java.util.Locale;

/** Which Services the endpoints reconciler maintains. */
public enum ReconcilerMode {
  /** Reconciler disabled. */
  OFF,
  /** Selectorless Services annotated with {@code endpoints-guard.dev/selector}. */
  ANNOTATED,
  /** Annotated Services plus every Service with {@code spec.selector}. */
  ALL;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
