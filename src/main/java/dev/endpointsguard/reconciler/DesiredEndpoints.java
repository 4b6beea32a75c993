package dev.endpointsguard.reconciler;

import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.SubsetPacker;
import dev.endpointsguard.kube.SubsetPacker.Entry;
import dev.endpointsguard.kube.SubsetPacker.Subset;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Endpoints Kubernetes' endpoints controller would write for a Service and the Pods its
 * selector picks: a pure function, so that the control loop, the files-source dry run and the tests
 * share one implementation.
 */
public final class DesiredEndpoints {

  public static final String OVER_CAPACITY_TRUNCATED = "truncated";

  private DesiredEndpoints() {}

  /**
   * @param candidates the Pods of the Service's namespace that its selector matches; which of them
   *     count is decided here
   */
  public static Endpoints compute(Service service, Collection<Pod> candidates) {
    List<Entry> entries = new ArrayList<>();
    for (Pod pod : candidates) {
      PodEndpoint.of(service, pod).ifPresent(entries::add);
    }
    List<Subset> packed = SubsetPacker.pack(entries);
    List<Subset> truncated = SubsetPacker.truncate(packed);
    // repacking after truncation gives the fixed point a stored copy repacks to, so comparisons
    // stay stable
    List<Subset> subsets = truncated == packed ? packed : SubsetPacker.repack(truncated);

    Map<String, String> annotations = new LinkedHashMap<>();
    if (truncated != packed) {
      annotations.put(WellKnown.OVER_CAPACITY_ANNOTATION, OVER_CAPACITY_TRUNCATED);
    }
    return new EndpointsBuilder()
        .withNewMetadata()
        .withNamespace(service.getMetadata().getNamespace())
        .withName(service.getMetadata().getName())
        .withLabels(labels(service))
        .withAnnotations(annotations.isEmpty() ? null : annotations)
        .endMetadata()
        .withSubsets(SubsetPacker.toModel(subsets))
        .build();
  }

  /**
   * The Service's labels (replacing any others, as Kubernetes does), the headless marker and our
   * ownership label.
   */
  static Map<String, String> labels(Service service) {
    Map<String, String> labels = new TreeMap<>();
    if (service.getMetadata().getLabels() != null) {
      labels.putAll(service.getMetadata().getLabels());
    }
    if (!Services.hasServiceIp(service)) {
      labels.put(WellKnown.HEADLESS_LABEL, "");
    } else {
      labels.remove(WellKnown.HEADLESS_LABEL);
    }
    labels.put(ManagedBy.LABEL, ManagedBy.VALUE);
    return labels;
  }

  public static int addressCount(Endpoints endpoints) {
    return SubsetPacker.totalAddresses(SubsetPacker.fromModel(endpoints.getSubsets()));
  }

  /** The distinct ports of all subsets, e.g. {@code [web 80/TCP]}, for log lines. */
  public static String portSummary(Endpoints endpoints) {
    return SubsetPacker.fromModel(endpoints.getSubsets()).stream()
        .flatMap(s -> s.ports().stream())
        .distinct()
        .sorted(SubsetPacker.PORT_ORDER)
        .map(p -> (p.name() == null ? "" : p.name() + " ") + p.port() + "/" + p.protocol())
        .toList()
        .toString();
  }

  /**
   * True when writing {@code desired} over {@code stored} would change nothing that matters: the
   * same subsets once both are packed (so order, duplicates and targetRef resourceVersions do not
   * count), the same labels apart from {@code service.kubernetes.io/headless} and the same
   * over-capacity annotation. Other annotations and metadata are not compared. Like Kubernetes'
   * endpoints controller, the headless label is left out of the comparison, so that Endpoints
   * written without it (e.g. by an older controller) are not rewritten for its sake alone.
   */
  public static boolean semanticallyEqual(Endpoints desired, Endpoints stored) {
    return SubsetPacker.repack(SubsetPacker.fromModel(desired.getSubsets()))
            .equals(SubsetPacker.repack(SubsetPacker.fromModel(stored.getSubsets())))
        && comparedLabels(desired).equals(comparedLabels(stored))
        && Objects.equals(overCapacity(desired), overCapacity(stored));
  }

  private static Map<String, String> comparedLabels(Endpoints endpoints) {
    Map<String, String> labels = endpoints.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return Map.of();
    }
    if (!labels.containsKey(WellKnown.HEADLESS_LABEL)) {
      return labels;
    }
    Map<String, String> compared = new TreeMap<>(labels);
    compared.remove(WellKnown.HEADLESS_LABEL);
    return compared;
  }

  private static String overCapacity(Endpoints endpoints) {
    Map<String, String> annotations = endpoints.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(WellKnown.OVER_CAPACITY_ANNOTATION);
  }
}
