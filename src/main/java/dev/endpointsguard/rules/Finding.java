package dev.endpointsguard.rules;

import java.util.Objects;

/**
 * One rule result: which rule, where in the object (Kubernetes field path, or empty for the whole
 * object), and one sentence saying what is wrong and what to do.
 *
 * @param atMostWarn true when the finding is reported as a warning even if its rule is set to
 *     {@code deny} (an {@code off} rule stays off); see {@link UpdateScope}
 */
public record Finding(RuleId rule, String field, String text, boolean atMostWarn) {

  /** Longest warning the API server passes on untruncated. */
  public static final int MAX_WARNING_LENGTH = 256;

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(text, "text");
    field = field == null ? "" : field;
  }

  public Finding(RuleId rule, String field, String text) {
    this(rule, field, text, false);
  }

  public static Finding of(RuleId rule, String field, String text) {
    return new Finding(rule, field, text);
  }

  public static Finding whole(RuleId rule, String text) {
    return new Finding(rule, "", text);
  }

  /** The same finding, reported at most as a warning. */
  public Finding atMostWarning() {
    return atMostWarn ? this : new Finding(rule, field, text, true);
  }

  /** The action this finding takes: its rule's configured action, capped at warn when asked. */
  public RuleAction action(Settings settings) {
    RuleAction action = settings.action(rule);
    return atMostWarn && action == RuleAction.DENY ? RuleAction.WARN : action;
  }

  /** {@code [rule-id] field.path: text}, or {@code [rule-id] text} for the whole object. */
  public String render() {
    return render(rule.id(), field, text);
  }

  /** The rendered finding cut to {@link #MAX_WARNING_LENGTH} characters. */
  public String renderAsWarning() {
    return truncate(render());
  }

  static String render(String ruleId, String field, String text) {
    return "[" + ruleId + "] " + (field.isEmpty() ? "" : field + ": ") + text;
  }

  public static String truncate(String warning) {
    if (warning.length() <= MAX_WARNING_LENGTH) {
      return warning;
    }
    return warning.substring(0, MAX_WARNING_LENGTH - 1) + "…";
  }
}
