package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.PortProtocol;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.SubsetPacker;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Endpoints rules (docs/contract.md#endpoints-rules): a pure function of (request, cluster
 * view, settings).
 */
public final class EndpointsRules implements Validator<Endpoints> {

  /** EndpointSlice mirroring publishes at most this many addresses of one subset. */
  public static final int MAX_MIRRORED_PER_SUBSET = 1000;

  static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");

  @Override
  public List<Finding> validate(
      AdmissionRequest<Endpoints> request, ClusterView cluster, Settings settings) {
    Endpoints endpoints = request.object();
    if (isLeaderElectionLock(endpoints)) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    writerRules(request, findings);
    Optional<Service> service = cluster.service(request.namespace(), request.name());
    serviceRules(request, service, cluster, findings);
    labelRules(endpoints, findings);

    List<EndpointSubset> subsets =
        endpoints.getSubsets() == null ? List.of() : endpoints.getSubsets();
    List<ServicePort> servicePorts = service.map(ServicePorts::of).orElse(List.of());
    List<String> families =
        service.map(s -> s.getSpec() == null ? null : s.getSpec().getIpFamilies()).orElse(null);
    boolean anyReady = false;
    Set<String> provided = new HashSet<>();
    for (int i = 0; i < subsets.size(); i++) {
      EndpointSubset subset = subsets.get(i);
      anyReady |= subset.getAddresses() != null && !subset.getAddresses().isEmpty();
      Map<String, FieldPath> seen =
          new HashMap<>(2 * (size(subset.getAddresses()) + size(subset.getNotReadyAddresses())));
      String path = "subsets[" + i + "]";
      addressRules(
          request,
          families,
          subset.getAddresses(),
          path + ".addresses",
          seen,
          cluster,
          settings,
          findings);
      addressRules(
          request,
          families,
          subset.getNotReadyAddresses(),
          path + ".notReadyAddresses",
          seen,
          cluster,
          settings,
          findings);
      portRules(subset, path, servicePorts, provided, findings);
    }
    mirroredRules(subsets, findings);
    if (!anyReady) {
      findings.add(
          Finding.of(
              RuleId.SUBSETS_EMPTY,
              "subsets",
              "there is no ready address, so the Service has no backends;"
                  + " list the backend IPs under subsets[].addresses"));
    }
    if (!servicePorts.isEmpty()) {
      ServicePorts.uncovered(service.get(), provided, "subset", findings);
    }
    return findings;
  }

  /**
   * Legacy leader-election locks live in Endpoints and never list addresses; with subsets, the
   * annotation earns no exemption (it would switch every rule off for any writer).
   */
  public static boolean isLeaderElectionLock(Endpoints endpoints) {
    var meta = endpoints.getMetadata();
    return meta != null
        && meta.getAnnotations() != null
        && meta.getAnnotations().containsKey(WellKnown.LEADER_ANNOTATION)
        && (endpoints.getSubsets() == null || endpoints.getSubsets().isEmpty());
  }

  /** What an untrusted writer may not do, whatever the addresses say. */
  private static void writerRules(AdmissionRequest<Endpoints> request, List<Finding> findings) {
    if ("default".equals(request.namespace()) && "kubernetes".equals(request.name())) {
      findings.add(
          Finding.whole(
              RuleId.APISERVER_ENDPOINTS,
              "default/kubernetes lists the API servers and is maintained by them; every in-cluster"
                  + " client uses it, so only the control plane may write it"));
    }
    if (ManagedBy.isEndpointsGuard(request.object())) {
      findings.add(
          Finding.of(
              RuleId.MANAGED_ENDPOINTS_EDITED,
              "metadata.labels",
              ManagedBy.LABEL
                  + "="
                  + ManagedBy.VALUE
                  + " means the endpoints-guard reconciler maintains these Endpoints and will revert"
                  + " this change; change the Service's endpoints-guard.dev/selector or its Pods"
                  + " instead"));
    }
  }

  private static void serviceRules(
      AdmissionRequest<Endpoints> request,
      Optional<Service> service,
      ClusterView cluster,
      List<Finding> findings) {
    if (service.isEmpty()) {
      findings.add(
          ServiceMissing.finding("Endpoints", request.namespace(), request.name(), cluster));
      return;
    }
    String ref = "\"" + request.namespace() + "/" + request.name() + "\"";
    if (Services.hasSelector(service.get())) {
      findings.add(
          Finding.whole(
              RuleId.SERVICE_HAS_SELECTOR,
              "Service "
                  + ref
                  + " has a selector "
                  + service.get().getSpec().getSelector()
                  + ", so the endpoints controller owns these Endpoints and will overwrite them;"
                  + " remove the selector from the Service to manage Endpoints by hand"));
    }
    if (Services.isExternalName(service.get())) {
      findings.add(
          Finding.whole(
              RuleId.SERVICE_EXTERNAL_NAME,
              "Service "
                  + ref
                  + " is of type ExternalName, which never uses Endpoints; change the Service type"
                  + " to ClusterIP to route to these addresses"));
    }
  }

  private static void labelRules(Endpoints endpoints, List<Finding> findings) {
    Map<String, String> labels =
        endpoints.getMetadata() == null || endpoints.getMetadata().getLabels() == null
            ? Map.of()
            : endpoints.getMetadata().getLabels();
    if ("true".equals(labels.get(WellKnown.SKIP_MIRROR_LABEL))) {
      findings.add(
          Finding.of(
              RuleId.NOT_MIRRORED,
              "metadata.labels",
              WellKnown.SKIP_MIRROR_LABEL
                  + "=true stops EndpointSlice mirroring, so kube-proxy never sees these"
                  + " Endpoints; remove the label"));
    }
    for (String label : List.of(WellKnown.HEADLESS_LABEL, WellKnown.SERVICE_PROXY_NAME_LABEL)) {
      if (labels.containsKey(label)) {
        findings.add(
            Finding.of(
                RuleId.NOT_MIRRORED,
                "metadata.labels",
                label
                    + " is copied to the mirrored EndpointSlice and makes kube-proxy ignore it;"
                    + " remove the label"));
      }
    }
  }

  private static void addressRules(
      AdmissionRequest<Endpoints> request,
      List<String> families,
      List<EndpointAddress> addresses,
      String path,
      Map<String, FieldPath> seen,
      ClusterView cluster,
      Settings settings,
      List<Finding> findings) {
    if (addresses == null) {
      return;
    }
    for (int j = 0; j < addresses.size(); j++) {
      EndpointAddress address = addresses.get(j);
      FieldPath ipField = new FieldPath(path, j, ".ip");
      IpLiteral.Parsed ip =
          AddressRules.judge(
              address.getIp(), ipField, request.namespace(), cluster, settings, findings);
      if (ip.readable()) {
        familyRule(families, ip, ipField, findings);
        duplicateRule(ip.canonical(), ipField, seen, findings);
      }
      if (address.getTargetRef() != null) {
        AddressRules.targetRefProblem(address.getTargetRef(), request.namespace(), ip, cluster)
            .ifPresent(
                text ->
                    findings.add(
                        Finding.of(
                            RuleId.TARGET_REF_INVALID,
                            ipField.leaf(".targetRef").toString(),
                            text)));
      }
    }
  }

  /**
   * @param families the Service's {@code ipFamilies}; null or empty when there is none to match
   */
  private static void familyRule(
      List<String> families, IpLiteral.Parsed ip, FieldPath ipField, List<Finding> findings) {
    String family = ip.isIPv4() ? "IPv4" : "IPv6";
    if (families != null && !families.isEmpty() && !families.contains(family)) {
      findings.add(
          Finding.of(
              RuleId.IP_FAMILY_MISMATCH,
              ipField.toString(),
              ip.canonical()
                  + " is "
                  + family
                  + " but the Service's ipFamilies are "
                  + families
                  + ", so kube-proxy drops it; use an address of the Service's family"));
    }
  }

  /** {@code seen}: the {@code .ip} field of each address so far, by canonical address. */
  private static void duplicateRule(
      String canonical, FieldPath ipField, Map<String, FieldPath> seen, List<Finding> findings) {
    FieldPath earlier = seen.putIfAbsent(canonical, ipField);
    if (earlier != null) {
      boolean crossList =
          earlier.list().contains("notReady") != ipField.list().contains("notReady");
      findings.add(
          Finding.of(
              RuleId.ADDRESS_DUPLICATE,
              ipField.toString(),
              canonical
                  + (crossList
                      ? " is listed both as ready ("
                          + earlier.leaf("")
                          + ") and not ready; keep it in one list"
                      : " already appears at " + earlier.leaf("") + "; remove the duplicate")));
    }
  }

  private static void portRules(
      EndpointSubset subset,
      String path,
      List<ServicePort> servicePorts,
      Set<String> provided,
      List<Finding> findings) {
    List<EndpointPort> ports = subset.getPorts() == null ? List.of() : subset.getPorts();
    for (int k = 0; k < ports.size(); k++) {
      EndpointPort port = ports.get(k);
      String field = path + ".ports[" + k + "]";
      String name = port.getName() == null ? "" : port.getName();
      String protocol = PortProtocol.orTcp(port.getProtocol());
      provided.add(ServicePorts.key(name, protocol));
      if (port.getPort() == null || port.getPort() < 1 || port.getPort() > 65535) {
        findings.add(
            Finding.of(
                RuleId.PORT_INVALID,
                field + ".port",
                port.getPort() + " is not a port number; use 1-65535"));
      }
      if (!PROTOCOLS.contains(protocol)) {
        findings.add(
            Finding.of(
                RuleId.PORT_INVALID,
                field + ".protocol",
                "\"" + protocol + "\" is not supported; use TCP, UDP or SCTP"));
      }
      if (name.isEmpty() && ports.size() > 1) {
        findings.add(
            Finding.of(
                RuleId.PORT_INVALID,
                field + ".name",
                "is required when a subset has more than one port; name it like the matching"
                    + " Service port"));
      } else if (!name.isEmpty() && !isDns1123Label(name)) {
        findings.add(
            Finding.of(
                RuleId.PORT_INVALID,
                field + ".name",
                "\""
                    + name
                    + "\" is not a DNS-1123 label (lower-case alphanumerics and '-', at most 63);"
                    + " use the Service port's name"));
      }
      ServicePorts.unmatched(field, name, protocol, port.getPort(), servicePorts)
          .ifPresent(findings::add);
    }
  }

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, at most 63 characters; checked per port of a review. */
  static boolean isDns1123Label(String name) {
    int n = name.length();
    if (n == 0 || n > 63 || name.charAt(0) == '-' || name.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The rules that must look at the subsets as EndpointSlice mirroring sees them: each address (IP
   * as Kubernetes reads it, plus targetRef UID) gets the ports of every subset that lists it, and
   * addresses with equal port sets form one subset.
   */
  private static void mirroredRules(List<EndpointSubset> subsets, List<Finding> findings) {
    if (subsets.size() == 1 && !canOffendWhenRepacked(subsets.get(0))) {
      return; // the common case: repacking one subset adds no address and no port name
    }
    List<SubsetPacker.Subset> written = SubsetPacker.fromModel(subsets);
    List<SubsetPacker.Subset> mirrored =
        SubsetPacker.repack(written.stream().map(EndpointsRules::asKubernetesReadsIt).toList());
    for (SubsetPacker.Subset subset : mirrored) {
      Map<String, SubsetPacker.Port> byName = new HashMap<>();
      for (SubsetPacker.Port port : subset.ports()) {
        String name = port.name() == null ? "" : port.name();
        SubsetPacker.Port earlier = byName.putIfAbsent(name, port);
        if (earlier != null) {
          findings.add(
              Finding.of(
                  RuleId.PORT_NAME_DUPLICATE,
                  where(subsets, port) + ".name",
                  "\""
                      + name
                      + "\" also names "
                      + where(subsets, earlier)
                      + " ("
                      + earlier.port()
                      + "/"
                      + earlier.protocol()
                      + ") for the same addresses ("
                      + sample(subset)
                      + ") once EndpointSlice mirroring merges each address's ports; the mirrored"
                      + " EndpointSlice is rejected and no traffic flows, so give each port its own"
                      + " name (e.g. dns-tcp, dns-udp)"));
        }
      }
      if (subset.size() > MAX_MIRRORED_PER_SUBSET) {
        findings.add(
            Finding.of(
                RuleId.OVER_CAPACITY,
                "subsets",
                subset.size()
                    + " addresses share the ports "
                    + subset.ports().stream()
                        .map(
                            p ->
                                (p.name() == null ? "" : "\"" + p.name() + "\" ")
                                    + p.port()
                                    + "/"
                                    + p.protocol())
                        .toList()
                    + ", but EndpointSlice mirroring publishes at most "
                    + MAX_MIRRORED_PER_SUBSET
                    + " of them and the rest get no traffic; keep at most "
                    + MAX_MIRRORED_PER_SUBSET
                    + " addresses per port set"));
      }
    }
  }

  /** Whether one subset, repacked, could hold too many addresses or one port name twice. */
  private static boolean canOffendWhenRepacked(EndpointSubset subset) {
    if (size(subset.getAddresses()) + size(subset.getNotReadyAddresses())
        > MAX_MIRRORED_PER_SUBSET) {
      return true;
    }
    List<EndpointPort> ports = subset.getPorts() == null ? List.of() : subset.getPorts();
    Set<String> names = new HashSet<>();
    for (EndpointPort port : ports) {
      if (!names.add(port.getName() == null ? "" : port.getName())) {
        return true;
      }
    }
    return false;
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }

  private static SubsetPacker.Subset asKubernetesReadsIt(SubsetPacker.Subset subset) {
    return new SubsetPacker.Subset(
        subset.addresses().stream().map(EndpointsRules::asKubernetesReadsIt).toList(),
        subset.notReady().stream().map(EndpointsRules::asKubernetesReadsIt).toList(),
        subset.ports());
  }

  private static SubsetPacker.Addr asKubernetesReadsIt(SubsetPacker.Addr a) {
    String ip = IpLiteral.asKubernetesReadsIt(a.ip()).orElse(a.ip());
    return new SubsetPacker.Addr(ip, a.hostname(), a.nodeName(), a.targetRef());
  }

  /** The first place the port is written, e.g. {@code subsets[1].ports[0]}. */
  private static String where(List<EndpointSubset> subsets, SubsetPacker.Port port) {
    for (int i = 0; i < subsets.size(); i++) {
      List<EndpointPort> ports = subsets.get(i).getPorts();
      for (int k = 0; ports != null && k < ports.size(); k++) {
        EndpointPort p = ports.get(k);
        if (SubsetPacker.port(
                p.getName(),
                p.getPort() == null ? 0 : p.getPort(),
                p.getProtocol(),
                p.getAppProtocol())
            .equals(port)) {
          return "subsets[" + i + "].ports[" + k + "]";
        }
      }
    }
    return "subsets";
  }

  private static String sample(SubsetPacker.Subset subset) {
    List<String> ips = new ArrayList<>();
    subset.addresses().forEach(a -> ips.add(a.ip()));
    subset.notReady().forEach(a -> ips.add(a.ip()));
    return ips.size() <= 3
        ? String.join(", ", ips)
        : String.join(", ", ips.subList(0, 3)) + " and " + (ips.size() - 3) + " more";
  }
}
