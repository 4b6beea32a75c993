package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.PortProtocol;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.Slices;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The EndpointSlice rules (docs/contract.md#endpointslice-rules): the Endpoints guard applied to a
 * hand-written slice, which kube-proxy uses directly. A pure function of (request, cluster view,
 * settings).
 */
public final class EndpointSliceRules implements Validator<EndpointSlice> {

  static final String LABELS_FIELD = "metadata.labels";

  @Override
  public List<Finding> validate(
      AdmissionRequest<EndpointSlice> request, ClusterView cluster, Settings settings) {
    EndpointSlice slice = request.object();
    List<Finding> findings = new ArrayList<>();
    writerRule(request, findings);
    if ("FQDN".equals(slice.getAddressType())) {
      findings.add(
          Finding.of(
              RuleId.SLICE_FQDN,
              "addressType",
              "FQDN slices are deprecated and kube-proxy ignores them, so no traffic reaches these"
                  + " endpoints; use an IPv4 or IPv6 slice, or an ExternalName Service"));
      return findings;
    }
    String ns = request.namespace();
    Optional<String> serviceName = ViewReads.sliceService(request);
    Optional<Service> service = Optional.empty();
    if (serviceName.isEmpty()) {
      findings.add(
          Finding.of(
              RuleId.SLICE_SERVICE_LABEL_MISSING,
              LABELS_FIELD,
              "the label "
                  + WellKnown.SERVICE_NAME_LABEL
                  + " is missing, so no Service uses this EndpointSlice; set it to the Service's"
                  + " name"));
    } else {
      service = cluster.service(ns, serviceName.get());
      if (service.isEmpty()) {
        findings.add(ServiceMissing.finding("EndpointSlice", ns, serviceName.get(), cluster));
      } else {
        serviceRules(slice, ns, service.get(), findings);
      }
    }

    List<ServicePort> servicePorts = service.map(ServicePorts::of).orElse(List.of());
    List<Endpoint> endpoints = RoutingParts.orEmpty(slice.getEndpoints());
    Map<String, FieldPath> seen = new HashMap<>();
    boolean anyReady = false;
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint endpoint = endpoints.get(i);
      if (endpoint == null) {
        continue;
      }
      anyReady |= isReady(endpoint);
      addressRules(request, endpoint, i, seen, cluster, settings, findings);
    }
    Set<String> provided = new HashSet<>();
    portRules(slice, servicePorts, provided, findings);
    if (!anyReady) {
      findings.add(
          Finding.of(
              RuleId.SUBSETS_EMPTY,
              "endpoints",
              "no endpoint is ready, so this slice gives the Service no backends; list the backend"
                  + " IPs under endpoints[].addresses and leave conditions.ready unset or true"));
    }
    if (service.isPresent() && !servicePorts.isEmpty()) {
      for (EndpointSlice other : cluster.endpointSlicesOf(ns, serviceName.get())) {
        if (other.getMetadata() != null
            && !Objects.equals(other.getMetadata().getName(), request.name())) {
          for (EndpointPort port : RoutingParts.orEmpty(other.getPorts())) {
            provided.add(ServicePorts.key(nameOf(port), port.getProtocol()));
          }
        }
      }
      ServicePorts.uncovered(service.get(), provided, "EndpointSlice of the Service", findings);
    }
    return findings;
  }

  /** {@code conditions.ready} absent counts as ready, as kube-proxy reads it. */
  static boolean isReady(Endpoint endpoint) {
    return endpoint.getConditions() == null
        || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
  }

  /**
   * A forged controller slice: an untrusted writer sets a controller's managed-by value, or edits
   * the endpoints or ports of a slice that carries one.
   */
  private static void writerRule(AdmissionRequest<EndpointSlice> request, List<Finding> findings) {
    String managedBy = Slices.managedBy(request.object());
    if (!Slices.isControllerValue(managedBy)) {
      return;
    }
    EndpointSlice old = request.isUpdate() ? request.oldObject() : null;
    String field = LABELS_FIELD;
    if (old != null && managedBy.equals(Slices.managedBy(old))) {
      boolean endpointsChanged =
          !RoutingParts.orEmpty(old.getEndpoints())
              .equals(RoutingParts.orEmpty(request.object().getEndpoints()));
      boolean portsChanged =
          !RoutingParts.orEmpty(old.getPorts())
              .equals(RoutingParts.orEmpty(request.object().getPorts()));
      if (!endpointsChanged && !portsChanged) {
        return;
      }
      field = endpointsChanged ? "endpoints" : "ports";
    }
    findings.add(
        Finding.of(
            RuleId.SLICE_MANAGED_BY_CONTROLLER,
            field,
            WellKnown.SLICE_MANAGED_BY_LABEL
                + "="
                + managedBy
                + " marks a slice written by a Kubernetes controller, and only that controller may"
                + " write it; use your own managed-by value (e.g. cluster-admins) for a hand-written"
                + " slice"));
  }

  private static void serviceRules(
      EndpointSlice slice, String ns, Service service, List<Finding> findings) {
    String ref = "\"" + ns + "/" + service.getMetadata().getName() + "\"";
    if (Services.hasSelector(service)) {
      findings.add(
          Finding.whole(
              RuleId.SLICE_SELECTOR_SERVICE,
              "Service "
                  + ref
                  + " has a selector "
                  + service.getSpec().getSelector()
                  + ", so kube-proxy sends its traffic to these endpoints and to the Pods of the"
                  + " controller's slices alike; remove the selector, or label this slice for a"
                  + " selectorless Service"));
    }
    if (Services.isExternalName(service)) {
      findings.add(
          Finding.whole(
              RuleId.SERVICE_EXTERNAL_NAME,
              "Service "
                  + ref
                  + " is of type ExternalName, which never uses EndpointSlices; change the Service"
                  + " type to ClusterIP to route to these endpoints"));
    }
    List<String> families = service.getSpec() == null ? null : service.getSpec().getIpFamilies();
    String type = slice.getAddressType();
    if (families != null && !families.isEmpty() && type != null && !families.contains(type)) {
      findings.add(
          Finding.of(
              RuleId.IP_FAMILY_MISMATCH,
              "addressType",
              type
                  + " is not among the Service's ipFamilies "
                  + families
                  + ", so kube-proxy ignores this slice; use a slice of the Service's family"));
    }
  }

  private static void addressRules(
      AdmissionRequest<EndpointSlice> request,
      Endpoint endpoint,
      int i,
      Map<String, FieldPath> seen,
      ClusterView cluster,
      Settings settings,
      List<Finding> findings) {
    List<String> addresses = RoutingParts.orEmpty(endpoint.getAddresses());
    IpLiteral.Parsed first = null;
    String list = addresses.isEmpty() ? "" : "endpoints[" + i + "].addresses";
    for (int j = 0; j < addresses.size(); j++) {
      FieldPath field = new FieldPath(list, j, "");
      IpLiteral.Parsed ip =
          AddressRules.judge(
              addresses.get(j), field, request.namespace(), cluster, settings, findings);
      if (first == null) {
        first = ip;
      }
      if (ip.readable()) {
        FieldPath earlier = seen.putIfAbsent(ip.canonical(), field);
        if (earlier != null) {
          findings.add(
              Finding.of(
                  RuleId.ADDRESS_DUPLICATE,
                  field.toString(),
                  ip.canonical() + " already appears at " + earlier + "; remove the duplicate"));
        }
      }
    }
    if (endpoint.getTargetRef() != null && first != null) {
      AddressRules.targetRefProblem(endpoint.getTargetRef(), request.namespace(), first, cluster)
          .ifPresent(
              text ->
                  findings.add(
                      Finding.of(
                          RuleId.TARGET_REF_INVALID, "endpoints[" + i + "].targetRef", text)));
    }
  }

  private static void portRules(
      EndpointSlice slice,
      List<ServicePort> servicePorts,
      Set<String> provided,
      List<Finding> findings) {
    List<EndpointPort> ports = RoutingParts.orEmpty(slice.getPorts());
    for (int k = 0; k < ports.size(); k++) {
      EndpointPort port = ports.get(k);
      if (port == null) {
        continue;
      }
      String name = nameOf(port);
      String protocol = PortProtocol.orTcp(port.getProtocol());
      provided.add(ServicePorts.key(name, protocol));
      ServicePorts.unmatched("ports[" + k + "]", name, protocol, port.getPort(), servicePorts)
          .ifPresent(findings::add);
    }
  }

  /** A slice port without a name is {@code ""}, as the API server defaults it. */
  private static String nameOf(EndpointPort port) {
    return port.getName() == null ? "" : port.getName();
  }
}
