package dev.endpointsguard.audit;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.rules.AdmissionRequest;
import dev.endpointsguard.rules.Decision;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.Settings;
import dev.endpointsguard.rules.UpdateScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One pass of the audit over a cluster view: every stored object in scope judged as an untrusted
 * CREATE of it would be, with the configured actions. Pure apart from the pause between batches,
 * which bounds how long the audit holds a core at a time.
 */
public final class AuditRun {

  /** The identity the audit judges as: never a trusted user. */
  public static final String USERNAME = "system:endpoints-guard:audit";

  /** Objects judged between two pauses. */
  public static final int BATCH_SIZE = 500;

  private static final Logger LOG = Logger.getLogger(AuditRun.class);

  /**
   * What one run found.
   *
   * @param objects every object listed in this run, audited or not, by {@link Violation#objectId()}
   * @param audited how many objects were judged
   */
  public record Result(List<Violation> violations, Set<String> objects, int audited) {}

  private final List<AuditedKind<?>> kinds;
  private final Runnable pause;

  /**
   * @param pause runs after each {@link #BATCH_SIZE} objects (a short sleep in the application, a
   *     no-op in tests)
   */
  public AuditRun(List<AuditedKind<?>> kinds, Runnable pause) {
    this.kinds = List.copyOf(kinds);
    this.pause = pause;
  }

  public static AuditRun withoutPauses() {
    return new AuditRun(AuditedKinds.ALL, () -> {});
  }

  public Result evaluate(ClusterView view, Settings settings) {
    List<Violation> violations = new ArrayList<>();
    Set<String> objects = new HashSet<>();
    int[] counter = {0, 0};
    for (AuditedKind<?> kind : kinds) {
      evaluate(kind, view, settings, violations, objects, counter);
    }
    return new Result(List.copyOf(violations), Set.copyOf(objects), counter[1]);
  }

  /** counter[0]: objects since the last pause, counter[1]: objects audited. */
  private <T extends HasMetadata> void evaluate(
      AuditedKind<T> kind,
      ClusterView view,
      Settings settings,
      List<Violation> violations,
      Set<String> objects,
      int[] counter) {
    for (T object : kind.lister().apply(view)) {
      var meta = object.getMetadata();
      if (meta == null || meta.getName() == null) {
        continue;
      }
      String namespace = meta.getNamespace() == null ? "" : meta.getNamespace();
      objects.add(Violation.objectId(kind.kind(), namespace, meta.getName(), meta.getUid()));
      if (!kind.inScope().test(object, view)) {
        continue;
      }
      counter[1]++;
      try {
        List<Finding> findings =
            kind.validator()
                .validate(
                    AdmissionRequest.create(namespace, meta.getName(), USERNAME, object),
                    view,
                    settings);
        if (!findings.isEmpty()) {
          List<Finding> kept =
              findings.stream()
                  // a stored object has no writer to judge
                  .filter(f -> !UpdateScope.WRITER_RULES.contains(f.rule()))
                  .toList();
          Decision decision = Decision.of(kept, settings);
          for (Finding f : decision.denials()) {
            violations.add(violation(kind, object, namespace, RuleAction.DENY, f));
          }
          for (Finding f : decision.warnings()) {
            violations.add(violation(kind, object, namespace, RuleAction.WARN, f));
          }
        }
      } catch (RuntimeException e) {
        // One object the rules cannot judge must not hide the others.
        LOG.warnf(
            e,
            "Audit: judging %s %s/%s failed; skipped in this run",
            kind.kind(),
            namespace,
            meta.getName());
      }
      if (++counter[0] >= BATCH_SIZE) {
        counter[0] = 0;
        pause.run();
      }
    }
  }

  private static Violation violation(
      AuditedKind<?> kind, HasMetadata object, String namespace, RuleAction action, Finding f) {
    var meta = object.getMetadata();
    return new Violation(
        kind.kind(),
        kind.apiVersion(),
        namespace,
        meta.getName(),
        meta.getUid(),
        meta.getResourceVersion(),
        action,
        f);
  }
}
