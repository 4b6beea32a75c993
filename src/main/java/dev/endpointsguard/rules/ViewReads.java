package dev.endpointsguard.rules;

import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which objects of the cluster view a denial rests on, so that they can be read afresh before the
 * denial is answered (docs/contract.md#confirmation-before-a-denial). Pure: it names the objects,
 * the entry layer reads them.
 *
 * @param serviceName the Service the kind's Service rules read, if the request names one
 * @param targetPodsByField the Pod each targetRef names, by the field path of its findings; only
 *     references the view can answer (kind Pod, the request's namespace)
 */
public record ViewReads<T>(
    Function<AdmissionRequest<T>, Optional<String>> serviceName,
    Function<AdmissionRequest<T>, Map<String, String>> targetPodsByField) {

  /**
   * The rules that read the request's Service; any of them set to {@code deny} is confirmed by one
   * read of that Service.
   */
  public static final Set<RuleId> SERVICE_RULES =
      Collections.unmodifiableSet(
          EnumSet.of(
              RuleId.SERVICE_MISSING,
              RuleId.SERVICE_HAS_SELECTOR,
              RuleId.SLICE_SELECTOR_SERVICE,
              RuleId.SERVICE_EXTERNAL_NAME,
              RuleId.PORT_UNMATCHED,
              RuleId.IP_FAMILY_MISMATCH,
              RuleId.SERVICE_PORT_UNCOVERED));

  /** The Endpoints reads: the same-named Service, and the Pods of {@code targetRef}s. */
  public static final ViewReads<Endpoints> ENDPOINTS =
      new ViewReads<>(
          request -> request.name().isEmpty() ? Optional.empty() : Optional.of(request.name()),
          ViewReads::endpointsTargetPods);

  /**
   * The EndpointSlice reads: the Service named by the slice's {@code kubernetes.io/service-name}
   * label, and the Pods of {@code endpoints[i].targetRef}.
   */
  public static final ViewReads<EndpointSlice> ENDPOINT_SLICES =
      new ViewReads<>(ViewReads::sliceService, ViewReads::sliceTargetPods);

  public ViewReads {
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(targetPodsByField, "targetPodsByField");
  }

  /**
   * What to read in the request's namespace: the Service when a deny finding reads it, the Pods of
   * the {@code target-ref-invalid} deny findings. Empty when no deny finding rests on the view
   * ({@code ip-*}, writer and port syntax findings never do).
   */
  public record Plan(String namespace, Optional<String> service, SortedSet<String> pods) {

    /** Nothing to read. */
    public static final Plan NONE = new Plan("", Optional.empty(), new TreeSet<>());

    public Plan {
      pods = Collections.unmodifiableSortedSet(new TreeSet<>(pods));
    }

    public boolean isEmpty() {
      return service.isEmpty() && pods.isEmpty();
    }
  }

  public Plan plan(AdmissionRequest<T> request, List<Finding> denials) {
    Optional<String> service = Optional.empty();
    SortedSet<String> pods = new TreeSet<>();
    Map<String, String> targets = null;
    for (Finding f : denials) {
      if (SERVICE_RULES.contains(f.rule())) {
        service = serviceName.apply(request);
      } else if (f.rule() == RuleId.TARGET_REF_INVALID) {
        if (targets == null) {
          targets = targetPodsByField.apply(request);
        }
        String pod = targets.get(f.field());
        if (pod != null) {
          pods.add(pod);
        }
      }
    }
    return new Plan(request.namespace(), service, pods);
  }

  /**
   * The Pod each {@code subsets[i].addresses[j].targetRef} (and {@code notReadyAddresses}) names in
   * the object's own namespace.
   */
  static Map<String, String> endpointsTargetPods(AdmissionRequest<Endpoints> request) {
    Map<String, String> byField = new LinkedHashMap<>();
    List<EndpointSubset> subsets = RoutingParts.orEmpty(request.object().getSubsets());
    for (int i = 0; i < subsets.size(); i++) {
      EndpointSubset subset = subsets.get(i);
      String ns = request.namespace();
      targets(byField, ns, "subsets[" + i + "].addresses", subset.getAddresses());
      targets(byField, ns, "subsets[" + i + "].notReadyAddresses", subset.getNotReadyAddresses());
    }
    return byField;
  }

  static Optional<String> sliceService(AdmissionRequest<EndpointSlice> request) {
    var meta = request.object() == null ? null : request.object().getMetadata();
    String name =
        meta == null || meta.getLabels() == null
            ? null
            : meta.getLabels().get(WellKnown.SERVICE_NAME_LABEL);
    return name == null || name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /** The Pod each {@code endpoints[i].targetRef} names in the slice's own namespace. */
  static Map<String, String> sliceTargetPods(AdmissionRequest<EndpointSlice> request) {
    Map<String, String> byField = new LinkedHashMap<>();
    List<Endpoint> endpoints = RoutingParts.orEmpty(request.object().getEndpoints());
    for (int i = 0; i < endpoints.size(); i++) {
      ObjectReference ref = endpoints.get(i) == null ? null : endpoints.get(i).getTargetRef();
      String name = podIn(ref, request.namespace());
      if (name != null) {
        byField.put("endpoints[" + i + "].targetRef", name);
      }
    }
    return byField;
  }

  /** The Pod name of a reference the view can answer: kind Pod, in the given namespace. */
  private static String podIn(ObjectReference ref, String namespace) {
    if (ref != null
        && "Pod".equals(ref.getKind())
        && (ref.getNamespace() == null
            || ref.getNamespace().isEmpty()
            || ref.getNamespace().equals(namespace))
        && ref.getName() != null
        && !ref.getName().isEmpty()) {
      return ref.getName();
    }
    return null;
  }

  private static void targets(
      Map<String, String> byField, String namespace, String path, List<EndpointAddress> list) {
    List<EndpointAddress> addresses = RoutingParts.orEmpty(list);
    for (int j = 0; j < addresses.size(); j++) {
      ObjectReference ref = addresses.get(j) == null ? null : addresses.get(j).getTargetRef();
      String name = podIn(ref, namespace);
      if (name != null) {
        byField.put(path + "[" + j + "].targetRef", name);
      }
    }
  }
}
