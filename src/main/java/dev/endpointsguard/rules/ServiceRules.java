package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.LabelSelector;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.Slices;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Service rules (docs/contract.md#service-validation): warnings about what a Service write does
 * to its same-named Endpoints, and the check of the {@code endpoints-guard.dev/selector}
 * annotation. A pure function of (request, cluster view, settings).
 */
public final class ServiceRules implements Validator<Service> {

  /** Set by the endpoints controller on the Endpoints it writes since Kubernetes 1.33. */
  static final String CONTROLLER_LABEL = "endpoints.kubernetes.io/managed-by";

  static final String CONTROLLER_LABEL_VALUE = "endpoint-controller";
  static final String SELECTOR_ANNOTATION_FIELD =
      "metadata.annotations[" + WellKnown.SELECTOR_ANNOTATION + "]";

  @Override
  public List<Finding> validate(
      AdmissionRequest<Service> request, ClusterView cluster, Settings settings) {
    Service service = request.object();
    boolean hasSelector = hasSelector(service);
    boolean hadSelector = request.isUpdate() && hasSelector(request.oldObject());
    String ref = "\"" + request.namespace() + "/" + request.name() + "\"";
    Optional<Endpoints> endpoints =
        request.name().isEmpty()
            ? Optional.empty()
            : cluster.endpoints(request.namespace(), request.name());
    Optional<String> annotation = selectorAnnotation(service);
    List<Finding> findings = new ArrayList<>();

    annotation.ifPresent(text -> annotationRules(text, hasSelector, findings));
    if (hasSelector && !hadSelector) {
      endpoints
          .filter(e -> !writtenByController(e))
          .ifPresent(
              e ->
                  findings.add(
                      Finding.of(
                          RuleId.SELECTOR_OVERWRITES_ENDPOINTS,
                          "spec.selector",
                          "the endpoints controller will replace the "
                              + addresses(countAddresses(e))
                              + " of Endpoints "
                              + ref
                              + ", which it did not write, with"
                              + " the Pods this selector matches; drop spec.selector to keep them")));
    }
    if (hasSelector && !hadSelector && !Services.isExternalName(service)) {
      List<String> handWritten =
          slicesOf(request, cluster).stream()
              .filter(slice -> !Slices.isControllerSlice(slice))
              .map(slice -> slice.getMetadata().getName())
              .sorted()
              .toList();
      if (!handWritten.isEmpty()) {
        findings.add(
            Finding.of(
                RuleId.SELECTOR_MIXES_SLICES,
                "spec.selector",
                "EndpointSlices "
                    + handWritten
                    + " are labelled for Service "
                    + ref
                    + " and no Kubernetes controller manages them, so kube-proxy will send traffic"
                    + " to them and to the Pods this selector matches alike; delete them or drop"
                    + " spec.selector"));
      }
    }
    if (hadSelector && !hasSelector) {
      findings.add(
          Finding.of(
              RuleId.SELECTOR_REMOVED,
              "spec.selector",
              selectorRemovedText(ref, annotation.isPresent())));
    }
    if (request.isCreate()
        && !hasSelector
        && !Services.isExternalName(service)
        && annotation.isEmpty()
        && endpoints.isEmpty()
        && slicesOf(request, cluster).isEmpty()) {
      String target = request.name().isEmpty() ? "named like this Service" : "named " + ref;
      findings.add(
          Finding.whole(
              RuleId.SELECTORLESS_WITHOUT_ENDPOINTS,
              "this Service has no selector, so nothing"
                  + " routes to it until Endpoints "
                  + target
                  + " or an EndpointSlice labelled kubernetes.io/service-name for it are created;"
                  + " write them, or set spec.selector or the "
                  + WellKnown.SELECTOR_ANNOTATION
                  + " annotation"));
    }
    return findings;
  }

  private static List<EndpointSlice> slicesOf(
      AdmissionRequest<Service> request, ClusterView cluster) {
    return request.name().isEmpty()
        ? List.of()
        : cluster.endpointSlicesOf(request.namespace(), request.name());
  }

  private static void annotationRules(
      String annotation, boolean hasSelector, List<Finding> findings) {
    try {
      LabelSelector.parse(annotation);
    } catch (IllegalArgumentException e) {
      findings.add(
          Finding.of(
              RuleId.SELECTOR_ANNOTATION_INVALID,
              SELECTOR_ANNOTATION_FIELD,
              "\"" + annotation + "\" is not a label selector: " + e.getMessage()));
    }
    if (hasSelector) {
      findings.add(
          Finding.of(
              RuleId.SELECTOR_ANNOTATION_INVALID,
              SELECTOR_ANNOTATION_FIELD,
              "is set on a Service"
                  + " that also has spec.selector, so two writers would fight over its Endpoints; remove one of them"));
    }
  }

  /**
   * The reconciler only adopts Endpoints it created (docs/reconciler.md), so stale controller
   * Endpoints must be deleted.
   */
  private static String selectorRemovedText(String ref, boolean annotated) {
    String start =
        "without a selector the endpoints controller stops maintaining Endpoints "
            + ref
            + ", so they go"
            + " stale; ";
    return start
        + (annotated
            ? "delete them so that endpoints-guard recreates them from "
                + WellKnown.SELECTOR_ANNOTATION
            : "write the Endpoints by hand or set the "
                + WellKnown.SELECTOR_ANNOTATION
                + " annotation");
  }

  /**
   * Whether Kubernetes' endpoints controller or endpoints-guard wrote these Endpoints: the
   * controller's label (1.33+), a controller manager in managedFields (older clusters), or our own
   * label. Labels can be set by anyone, so this errs towards silence: a false "controller" only
   * suppresses a warning.
   */
  static boolean writtenByController(Endpoints endpoints) {
    var meta = endpoints.getMetadata();
    Map<String, String> labels =
        meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
    if (CONTROLLER_LABEL_VALUE.equals(labels.get(CONTROLLER_LABEL))
        || ManagedBy.isEndpointsGuard(endpoints)) {
      return true;
    }
    List<ManagedFieldsEntry> managers =
        meta == null || meta.getManagedFields() == null ? List.of() : meta.getManagedFields();
    return managers.stream()
        .map(ManagedFieldsEntry::getManager)
        .anyMatch(ServiceRules::isControllerManager);
  }

  private static boolean isControllerManager(String manager) {
    return manager != null
        && (manager.equals("kube-controller-manager") || manager.contains("endpoint-controller"));
  }

  /**
   * Ready and not-ready addresses of every subset: all of them disappear when the controller takes
   * over.
   */
  static int countAddresses(Endpoints endpoints) {
    int count = 0;
    for (EndpointSubset subset :
        endpoints.getSubsets() == null ? List.<EndpointSubset>of() : endpoints.getSubsets()) {
      count += subset.getAddresses() == null ? 0 : subset.getAddresses().size();
      count += subset.getNotReadyAddresses() == null ? 0 : subset.getNotReadyAddresses().size();
    }
    return count;
  }

  private static String addresses(int count) {
    return count + (count == 1 ? " address" : " addresses");
  }

  static boolean hasSelector(Service service) {
    return service != null
        && service.getSpec() != null
        && service.getSpec().getSelector() != null
        && !service.getSpec().getSelector().isEmpty();
  }

  private static Optional<String> selectorAnnotation(Service service) {
    var meta = service.getMetadata();
    return Optional.ofNullable(
        meta == null || meta.getAnnotations() == null
            ? null
            : meta.getAnnotations().get(WellKnown.SELECTOR_ANNOTATION));
  }
}
