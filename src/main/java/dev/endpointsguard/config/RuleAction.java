package dev.endpointsguard.config;

import java.util.Locale;

/** What a rule's finding does to a request. */
public enum RuleAction {
    DENY, WARN, OFF;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code deny|warn|off} (any case); anything else is a configuration error. */
    public static RuleAction parse(String value) {
        return Choices.parse(RuleAction.class, value, "rule action");
    }
}
