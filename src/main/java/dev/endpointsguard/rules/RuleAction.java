package dev.endpointsguard.rules;

import java.util.Locale;

/** What a rule's finding does to a request. */
public enum RuleAction {
  DENY,
  WARN,
  OFF;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
