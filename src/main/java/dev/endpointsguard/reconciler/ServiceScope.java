package dev.endpointsguard.reconciler;

import dev.endpointsguard.config.ReconcilerMode;
import dev.endpointsguard.kube.LabelSelector;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which Services the reconciler maintains, and the Pod selector of each: {@code annotated} takes
 * selectorless Services annotated with {@code endpoints-guard.dev/selector}; {@code all} also
 * Services with {@code spec.selector}. ExternalName Services are never in scope: their Endpoints
 * are never used.
 */
public final class ServiceScope {

  /** Where a Service stands. */
  public sealed interface Verdict permits Managed, Invalid, Outside {}

  /** In scope; {@code selector} picks its Pods. */
  public record Managed(Predicate<Map<String, String>> selector, String description)
      implements Verdict {
    public boolean selects(Map<String, String> labels) {
      return selector.test(labels == null ? Map.of() : labels);
    }
  }

  /**
   * Annotated, but the annotation does not parse: left alone (no write, no delete) until it is
   * fixed.
   */
  public record Invalid(String problem) implements Verdict {}

  public record Outside() implements Verdict {}

  private static final Outside OUTSIDE = new Outside();

  private final ReconcilerMode mode;

  public ServiceScope(ReconcilerMode mode) {
    this.mode = mode;
  }

  public ReconcilerMode mode() {
    return mode;
  }

  public Verdict of(Service service) {
    if (mode == ReconcilerMode.OFF
        || service == null
        || service.getSpec() == null
        || Services.isExternalName(service)) {
      return OUTSIDE;
    }
    // an empty spec.selector does not survive the API server's storage either: it counts as
    // selectorless
    Map<String, String> specSelector = service.getSpec().getSelector();
    if (specSelector != null && !specSelector.isEmpty()) {
      if (mode != ReconcilerMode.ALL) {
        return OUTSIDE; // Kubernetes' own endpoints controller owns these Endpoints
      }
      Map<String, String> wanted = Map.copyOf(specSelector);
      return new Managed(
          labels ->
              wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey()))),
          "spec.selector " + wanted);
    }
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(WellKnown.SELECTOR_ANNOTATION);
    if (text == null) {
      return OUTSIDE;
    }
    try {
      LabelSelector selector = LabelSelector.parse(text);
      return new Managed(selector::matches, WellKnown.SELECTOR_ANNOTATION + " '" + text + "'");
    } catch (IllegalArgumentException e) {
      return new Invalid("annotation " + WellKnown.SELECTOR_ANNOTATION + " " + e.getMessage());
    }
  }
}
