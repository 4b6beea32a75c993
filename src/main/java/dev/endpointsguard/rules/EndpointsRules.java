package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterIndexes;
import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.Pods;
import dev.endpointsguard.kube.PortProtocol;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Endpoints rules (docs/contract.md#endpoints-rules): a pure function of (request, cluster
 * view, settings).
 */
public final class EndpointsRules implements Validator<Endpoints> {

  /** EndpointSlice mirroring publishes at most this many addresses of one subset. */
  public static final int MAX_MIRRORED_PER_SUBSET = 1000;

  static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
  static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  @Override
  public List<Finding> validate(
      AdmissionRequest<Endpoints> request, ClusterView cluster, Settings settings) {
    Endpoints endpoints = request.object();
    if (skipped(request)) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    Optional<Service> service = cluster.service(request.namespace(), request.name());
    serviceRules(request, service, findings);
    labelRules(endpoints, findings);

    List<EndpointSubset> subsets =
        endpoints.getSubsets() == null ? List.of() : endpoints.getSubsets();
    boolean anyReady = false;
    for (int i = 0; i < subsets.size(); i++) {
      EndpointSubset subset = subsets.get(i);
      anyReady |= subset.getAddresses() != null && !subset.getAddresses().isEmpty();
      addressRules(request, service, subset, i, cluster, settings, findings);
      portRules(subset, i, service, findings);
    }
    if (!anyReady) {
      findings.add(
          Finding.of(
              RuleId.SUBSETS_EMPTY,
              "subsets",
              "there is no ready address, so the Service has no backends;"
                  + " list the backend IPs under subsets[].addresses"));
    }
    service
        .filter(s -> !servicePorts(s).isEmpty())
        .ifPresent(s -> uncoveredPorts(s, subsets, findings));
    return findings;
  }

  /** Control-plane objects pass untouched. */
  static boolean skipped(AdmissionRequest<Endpoints> request) {
    if ("default".equals(request.namespace()) && "kubernetes".equals(request.name())) {
      return true;
    }
    var meta = request.object().getMetadata();
    return meta != null
        && meta.getAnnotations() != null
        && meta.getAnnotations().containsKey(WellKnown.LEADER_ANNOTATION);
  }

  private static void serviceRules(
      AdmissionRequest<Endpoints> request, Optional<Service> service, List<Finding> findings) {
    String ref = "\"" + request.namespace() + "/" + request.name() + "\"";
    if (service.isEmpty()) {
      findings.add(
          Finding.whole(
              RuleId.SERVICE_MISSING,
              "no Service "
                  + ref
                  + " exists, so nothing routes to these"
                  + " Endpoints; create a selectorless Service of the same name first, or fix the name"));
      return;
    }
    var spec = service.get().getSpec();
    if (spec != null && spec.getSelector() != null && !spec.getSelector().isEmpty()) {
      findings.add(
          Finding.whole(
              RuleId.SERVICE_HAS_SELECTOR,
              "Service "
                  + ref
                  + " has a selector "
                  + spec.getSelector()
                  + ", so the endpoints controller owns these Endpoints and will overwrite them; remove the selector"
                  + " from the Service to manage Endpoints by hand"));
    }
    if (spec != null && "ExternalName".equals(spec.getType())) {
      findings.add(
          Finding.whole(
              RuleId.SERVICE_EXTERNAL_NAME,
              "Service "
                  + ref
                  + " is of type ExternalName, which"
                  + " never uses Endpoints; change the Service type to ClusterIP to route to these addresses"));
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
              "endpointslice.kubernetes.io/skip-mirror=true stops"
                  + " EndpointSlice mirroring, so kube-proxy never sees these Endpoints; remove the label"));
    }
    for (String label : List.of(WellKnown.HEADLESS_LABEL, WellKnown.SERVICE_PROXY_NAME_LABEL)) {
      if (labels.containsKey(label)) {
        findings.add(
            Finding.of(
                RuleId.NOT_MIRRORED,
                "metadata.labels",
                label
                    + " is copied to the mirrored"
                    + " EndpointSlice and makes kube-proxy ignore it; remove the label"));
      }
    }
    if (ManagedBy.isEndpointsGuard(endpoints)) {
      findings.add(
          Finding.of(
              RuleId.MANAGED_ENDPOINTS_EDITED,
              "metadata.labels",
              ManagedBy.LABEL
                  + "="
                  + ManagedBy.VALUE
                  + " means the endpoints-guard reconciler maintains these Endpoints and will revert this change;"
                  + " change the Service's endpoints-guard.dev/selector or its Pods instead"));
    }
  }

  private static void addressRules(
      AdmissionRequest<Endpoints> request,
      Optional<Service> service,
      EndpointSubset subset,
      int i,
      ClusterView cluster,
      Settings settings,
      List<Finding> findings) {
    Map<String, String> seen = new HashMap<>();
    checkAddresses(
        request,
        service,
        subset.getAddresses(),
        "subsets[" + i + "].addresses",
        seen,
        cluster,
        settings,
        findings);
    checkAddresses(
        request,
        service,
        subset.getNotReadyAddresses(),
        "subsets[" + i + "].notReadyAddresses",
        seen,
        cluster,
        settings,
        findings);
    int total = size(subset.getAddresses()) + size(subset.getNotReadyAddresses());
    if (total > MAX_MIRRORED_PER_SUBSET) {
      findings.add(
          Finding.of(
              RuleId.OVER_CAPACITY,
              "subsets[" + i + "]",
              "holds "
                  + total
                  + " addresses but EndpointSlice"
                  + " mirroring publishes only the first "
                  + MAX_MIRRORED_PER_SUBSET
                  + " of a subset; the rest get no"
                  + " traffic, so keep at most "
                  + MAX_MIRRORED_PER_SUBSET
                  + " addresses per port set"));
    }
  }

  private static void checkAddresses(
      AdmissionRequest<Endpoints> request,
      Optional<Service> service,
      List<EndpointAddress> addresses,
      String path,
      Map<String, String> seen,
      ClusterView cluster,
      Settings settings,
      List<Finding> findings) {
    if (addresses == null) {
      return;
    }
    for (int j = 0; j < addresses.size(); j++) {
      EndpointAddress address = addresses.get(j);
      String field = path + "[" + j + "]";
      IpLiteral.Parsed ip = IpLiteral.parse(address.getIp());
      if (!ip.valid()) {
        findings.add(
            Finding.of(
                RuleId.IP_INVALID, field + ".ip", "\"" + address.getIp() + "\" " + ip.problem()));
        continue;
      }
      new AddressCheck(request, service, address, field, ip, cluster, settings, findings).run();
      String earlier = seen.putIfAbsent(ip.canonical(), field);
      if (earlier != null) {
        boolean crossList = earlier.contains("notReady") != field.contains("notReady");
        findings.add(
            Finding.of(
                RuleId.ADDRESS_DUPLICATE,
                field + ".ip",
                ip.canonical()
                    + (crossList
                        ? " is listed both as ready ("
                            + earlier
                            + ") and not ready; keep it in one list"
                        : " already appears at " + earlier + "; remove the duplicate")));
      }
    }
  }

  /**
   * The checks of one parsed address against reserved ranges, the cluster's IPs, the CIDR lists and
   * its targetRef.
   */
  private record AddressCheck(
      AdmissionRequest<Endpoints> request,
      Optional<Service> service,
      EndpointAddress address,
      String field,
      IpLiteral.Parsed ip,
      ClusterView cluster,
      Settings settings,
      List<Finding> findings) {

    void run() {
      String ipField = field + ".ip";
      String canonical = ip.canonical();
      ReservedRanges.reason(ip.bytes(), settings.reservedCidrs())
          .ifPresent(
              why ->
                  findings.add(
                      Finding.of(
                          RuleId.IP_RESERVED,
                          ipField,
                          canonical + " " + why + "; Endpoints must point at real backend IPs")));
      for (Service other : cluster.servicesByClusterIp(canonical)) {
        findings.add(
            Finding.of(
                RuleId.IP_CLUSTER_IP,
                ipField,
                canonical
                    + " is the ClusterIP of Service \""
                    + ref(other)
                    + "\"; pointing Endpoints at another Service forwards across its policies"
                    + " (CVE-2021-25740), so use the backend IPs or an ExternalName Service"));
      }
      for (Pod pod : cluster.podsByIp(canonical)) {
        if (!request.namespace().equals(pod.getMetadata().getNamespace())
            && !Pods.isTerminated(pod)) {
          findings.add(
              Finding.of(
                  RuleId.IP_FOREIGN_POD,
                  ipField,
                  canonical
                      + " belongs to Pod \""
                      + ref(pod)
                      + "\" of another namespace; forwarding to it bypasses that namespace's policies"
                      + " (CVE-2021-25740), so only use Pods of \""
                      + request.namespace()
                      + "\" or external IPs"));
        }
      }
      settings
          .deniedCidrs()
          .match(ip.bytes())
          .ifPresent(
              cidr ->
                  findings.add(
                      Finding.of(
                          RuleId.IP_DENIED_CIDR,
                          ipField,
                          canonical
                              + " lies in the denied CIDR "
                              + cidr
                              + " (endpoints-guard.ip.denied-cidrs); use an"
                              + " address outside it")));
      if (!settings.allowedCidrs().isEmpty()
          && settings.allowedCidrs().match(ip.bytes()).isEmpty()) {
        findings.add(
            Finding.of(
                RuleId.IP_DENIED_CIDR,
                ipField,
                canonical
                    + " is outside the allowed CIDRs "
                    + settings.allowedCidrs()
                    + " (endpoints-guard.ip.allowed-cidrs); use an address inside them"));
      }
      service
          .map(s -> s.getSpec() == null ? null : s.getSpec().getIpFamilies())
          .filter(families -> !families.isEmpty())
          .ifPresent(
              families -> {
                String family = ip.isIPv4() ? "IPv4" : "IPv6";
                if (!families.contains(family)) {
                  findings.add(
                      Finding.of(
                          RuleId.IP_FAMILY_MISMATCH,
                          ipField,
                          canonical
                              + " is "
                              + family
                              + " but the Service's ipFamilies are "
                              + families
                              + ", so kube-proxy drops it;"
                              + " use an address of the Service's family"));
                }
              });
      if (address.getTargetRef() != null) {
        targetRef(address.getTargetRef())
            .ifPresent(
                text ->
                    findings.add(
                        Finding.of(RuleId.TARGET_REF_INVALID, field + ".targetRef", text)));
      }
    }

    private Optional<String> targetRef(ObjectReference ref) {
      String ns =
          ref.getNamespace() == null || ref.getNamespace().isEmpty()
              ? request.namespace()
              : ref.getNamespace();
      String target = "\"" + ns + "/" + ref.getName() + "\"";
      if (!"Pod".equals(ref.getKind())) {
        return Optional.of(
            "kind \""
                + ref.getKind()
                + "\" is not Pod; a targetRef must name the Pod behind the"
                + " address, or be left out");
      }
      if (!request.namespace().equals(ns)) {
        return Optional.of(
            "Pod "
                + target
                + " is in another namespace; a targetRef must name a Pod of \""
                + request.namespace()
                + "\"");
      }
      Optional<Pod> pod = cluster.pod(ns, ref.getName());
      if (pod.isEmpty()) {
        return Optional.of("Pod " + target + " does not exist; fix the name or drop the targetRef");
      }
      List<String> podIps = ClusterIndexes.podIps(pod.get());
      if (!podIps.contains(ip.canonical())) {
        return Optional.of(
            "Pod "
                + target
                + " has IPs "
                + podIps
                + ", not "
                + ip.canonical()
                + "; fix the address or the targetRef");
      }
      return Optional.empty();
    }
  }

  private static void portRules(
      EndpointSubset subset, int i, Optional<Service> service, List<Finding> findings) {
    List<EndpointPort> ports = subset.getPorts() == null ? List.of() : subset.getPorts();
    Map<String, String> names = new HashMap<>();
    List<ServicePort> servicePorts = service.map(EndpointsRules::servicePorts).orElse(List.of());
    for (int k = 0; k < ports.size(); k++) {
      EndpointPort port = ports.get(k);
      String field = "subsets[" + i + "].ports[" + k + "]";
      String name = port.getName() == null ? "" : port.getName();
      String protocol = PortProtocol.orTcp(port.getProtocol());
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
                "is required when a subset has more than one"
                    + " port; name it like the matching Service port"));
      } else if (!name.isEmpty()
          && (name.length() > 63 || !DNS1123_LABEL.matcher(name).matches())) {
        findings.add(
            Finding.of(
                RuleId.PORT_INVALID,
                field + ".name",
                "\""
                    + name
                    + "\" is not a DNS-1123 label"
                    + " (lower-case alphanumerics and '-', at most 63); use the Service port's name"));
      }
      String earlier = names.putIfAbsent(name, field);
      if (earlier != null && !name.isEmpty()) {
        findings.add(
            Finding.of(
                RuleId.PORT_NAME_DUPLICATE,
                field + ".name",
                "\""
                    + name
                    + "\" is also the name of "
                    + earlier
                    + "; the mirrored EndpointSlice is rejected and no traffic flows, so give each port"
                    + " its own name (e.g. dns-tcp, dns-udp)"));
      }
      if (!servicePorts.isEmpty()
          && servicePorts.stream().noneMatch(sp -> matches(sp, name, protocol))) {
        findings.add(
            Finding.of(
                RuleId.PORT_UNMATCHED, field, unmatchedText(name, protocol, port, servicePorts)));
      }
    }
  }

  private static String unmatchedText(
      String name, String protocol, EndpointPort port, List<ServicePort> servicePorts) {
    String label = "port \"" + name + "\"/" + protocol;
    Optional<ServicePort> sameName =
        servicePorts.stream().filter(sp -> name.equals(nameOf(sp))).findFirst();
    String hint =
        sameName
            .map(
                sp ->
                    "; the Service's \""
                        + name
                        + "\" is "
                        + PortProtocol.orTcp(sp.getProtocol())
                        + ", so use that protocol")
            .orElseGet(
                () ->
                    servicePorts.stream()
                        .filter(sp -> port.getPort() != null && port.getPort().equals(sp.getPort()))
                        .findFirst()
                        .map(
                            sp ->
                                "; the Service calls port "
                                    + sp.getPort()
                                    + " \""
                                    + nameOf(sp)
                                    + "\", so name it that")
                        .orElse("; rename it to one of them"));
    return label
        + " matches no port of the Service (kube-proxy pairs ports by name and protocol), whose ports are "
        + describe(servicePorts)
        + hint;
  }

  private static void uncoveredPorts(
      Service service, List<EndpointSubset> subsets, List<Finding> findings) {
    Set<String> provided = new HashSet<>();
    for (EndpointSubset subset : subsets) {
      if (subset.getPorts() != null) {
        subset
            .getPorts()
            .forEach(p -> provided.add(key(p.getName(), PortProtocol.orTcp(p.getProtocol()))));
      }
    }
    List<ServicePort> ports = servicePorts(service);
    for (int k = 0; k < ports.size(); k++) {
      ServicePort sp = ports.get(k);
      if (!provided.contains(key(nameOf(sp), PortProtocol.orTcp(sp.getProtocol())))) {
        findings.add(
            Finding.whole(
                RuleId.SERVICE_PORT_UNCOVERED,
                "Service port \""
                    + nameOf(sp)
                    + "\"/"
                    + PortProtocol.orTcp(sp.getProtocol())
                    + " ("
                    + sp.getPort()
                    + ") is provided by no subset, so it has no"
                    + " backends; add a port named \""
                    + nameOf(sp)
                    + "\" to the subsets"));
      }
    }
  }

  static List<ServicePort> servicePorts(Service service) {
    return service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of()
        : service.getSpec().getPorts();
  }

  private static boolean matches(ServicePort sp, String name, String protocol) {
    return name.equals(nameOf(sp)) && protocol.equals(PortProtocol.orTcp(sp.getProtocol()));
  }

  private static String describe(List<ServicePort> ports) {
    return ports.stream()
        .map(
            sp ->
                "\""
                    + nameOf(sp)
                    + "\"/"
                    + PortProtocol.orTcp(sp.getProtocol())
                    + " "
                    + sp.getPort())
        .collect(Collectors.joining(", "));
  }

  private static String nameOf(ServicePort sp) {
    return sp.getName() == null ? "" : sp.getName();
  }

  private static String key(String name, String protocol) {
    return (name == null ? "" : name) + "/" + protocol;
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }

  private static String ref(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }
}
