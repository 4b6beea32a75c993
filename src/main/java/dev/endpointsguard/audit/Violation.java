package dev.endpointsguard.audit;

import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.RuleAction;

/**
 * One finding of the audit on one stored object, with the configured action ({@code deny} or {@code
 * warn}; {@code off} findings are never violations).
 *
 * @param uid the object's uid, empty when unknown (manifest files)
 * @param resourceVersion the object's resourceVersion, empty when unknown
 */
public record Violation(
    String kind,
    String apiVersion,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    RuleAction action,
    Finding finding) {

  public Violation {
    uid = uid == null ? "" : uid;
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
  }

  /** What makes a violation the same one in the next run: not the resourceVersion or uid. */
  public record Key(
      String kind, String namespace, String name, RuleAction action, Finding finding) {}

  public Key key() {
    return new Key(kind, namespace, name, action, finding);
  }

  /** The object, across runs: its uid, or kind and namespace/name when it has none. */
  public String objectId() {
    return objectId(kind, namespace, name, uid);
  }

  static String objectId(String kind, String namespace, String name, String uid) {
    return uid == null || uid.isEmpty() ? kind + ":" + namespace + "/" + name : uid;
  }

  public String ruleId() {
    return finding.rule().id();
  }

  /**
   * The offline check's text format: {@code <Kind> <ns>/<name>: <deny|warn> [<rule-id>] <path>:
   * <text>}.
   */
  public String logLine() {
    return kind + " " + namespace + "/" + name + ": " + action.id() + " " + finding.render();
  }
}
