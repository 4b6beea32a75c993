package dev.endpointsguard.reconciler;

import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.Pods;
import dev.endpointsguard.kube.PortProtocol;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.SubsetPacker;
import dev.endpointsguard.kube.SubsetPacker.Addr;
import dev.endpointsguard.kube.SubsetPacker.Entry;
import dev.endpointsguard.kube.SubsetPacker.Port;
import dev.endpointsguard.kube.SubsetPacker.Ref;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one Pod contributes to a Service's Endpoints, following Kubernetes' endpoints controller:
 * {@code ShouldPodBeInEndpoints}, {@code podToEndpointAddressForService} and {@code FindPort}.
 */
final class PodEndpoint {

  private PodEndpoint() {}

  /**
   * The Pod's address and ports, or empty when the Pod does not count or serves none of the
   * Service's ports.
   */
  static Optional<Entry> of(Service service, Pod pod) {
    boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
    if (!counts(pod, publishNotReady)) {
      return Optional.empty();
    }
    Optional<String> ip = ipOfFamily(pod, primaryFamilyIsV6(service, pod));
    if (ip.isEmpty()) {
      return Optional.empty();
    }
    List<Port> ports = ports(service, pod);
    List<ServicePort> servicePorts = servicePorts(service);
    // a Service with ports but none served by this Pod leaves it out; only a headless Service may
    // have no ports
    if (ports.isEmpty() && (!servicePorts.isEmpty() || Services.hasServiceIp(service))) {
      return Optional.empty();
    }
    boolean ready = publishNotReady || isReady(pod);
    return Optional.of(new Entry(address(service, pod, ip.get()), ready, ports));
  }

  static boolean counts(Pod pod, boolean includeTerminating) {
    if (Pods.isTerminated(pod) || Pods.ips(pod).isEmpty()) {
      return false;
    }
    return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
  }

  /**
   * Kubernetes' {@code podutil.IsPodReady}: the Pod's first condition of type {@code Ready}
   * decides; later ones are not looked at.
   */
  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .map(c -> "True".equals(c.getStatus()))
            .orElse(false);
  }

  /**
   * {@code spec.ipFamilies[0]}, else the clusterIP's family, else (headless) the Pod's primary IP
   * family. As in Kubernetes ({@code utilnet.IsIPv6String}), the family is that of the parsed
   * address, and text that does not parse counts as IPv4.
   */
  private static boolean primaryFamilyIsV6(Service service, Pod pod) {
    List<String> families = service.getSpec().getIpFamilies();
    if (families != null && !families.isEmpty()) {
      return "IPv6".equals(families.get(0));
    }
    if (Services.hasServiceIp(service)) {
      return IpLiteral.asKubernetesReadsIt(service.getSpec().getClusterIP())
          .map(PodEndpoint::isV6)
          .orElse(false);
    }
    return IpLiteral.asKubernetesReadsIt(Pods.ips(pod).get(0)).map(PodEndpoint::isV6).orElse(false);
  }

  /**
   * The Pod's first IP of the family, in canonical form; IPs that do not parse are skipped (the API
   * server would reject them in Endpoints).
   */
  private static Optional<String> ipOfFamily(Pod pod, boolean v6) {
    return Pods.ips(pod).stream()
        .map(IpLiteral::asKubernetesReadsIt)
        .flatMap(Optional::stream)
        .filter(ip -> isV6(ip) == v6)
        .findFirst();
  }

  /** On canonical text only: an IPv4-mapped IPv6 address is canonically dotted IPv4. */
  private static boolean isV6(String canonical) {
    return canonical.indexOf(':') >= 0;
  }

  private static Addr address(Service service, Pod pod, String ip) {
    var meta = pod.getMetadata();
    var spec = pod.getSpec();
    String hostname = null;
    if (spec != null
        && spec.getHostname() != null
        && !spec.getHostname().isEmpty()
        && Objects.equals(spec.getSubdomain(), service.getMetadata().getName())
        && Objects.equals(meta.getNamespace(), service.getMetadata().getNamespace())) {
      hostname = spec.getHostname();
    }
    String nodeName = spec == null ? null : SubsetPacker.emptyToNull(spec.getNodeName());
    return new Addr(
        ip, hostname, nodeName, new Ref("Pod", meta.getNamespace(), meta.getName(), meta.getUid()));
  }

  private static List<Port> ports(Service service, Pod pod) {
    List<Port> ports = new ArrayList<>();
    for (ServicePort sp : servicePorts(service)) {
      String protocol = PortProtocol.orTcp(sp.getProtocol());
      targetPort(sp, protocol, pod)
          .ifPresent(
              number ->
                  ports.add(
                      SubsetPacker.port(sp.getName(), number, protocol, sp.getAppProtocol())));
    }
    return ports;
  }

  /**
   * An int targetPort as is (absent: the Service port, the API server's default); a name looked up
   * in the Pod.
   */
  private static Optional<Integer> targetPort(ServicePort sp, String protocol, Pod pod) {
    IntOrString target = sp.getTargetPort();
    if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
      return Optional.ofNullable(sp.getPort());
    }
    if (target.getIntVal() != null) {
      return Optional.of(target.getIntVal());
    }
    return findNamedPort(pod, target.getStrVal(), protocol);
  }

  /**
   * Regular containers first, then restartable (sidecar) init containers; name AND protocol must
   * match.
   */
  private static Optional<Integer> findNamedPort(Pod pod, String name, String protocol) {
    if (pod.getSpec() == null) {
      return Optional.empty();
    }
    return Stream.concat(
            containers(pod.getSpec().getContainers()),
            containers(pod.getSpec().getInitContainers())
                .filter(c -> "Always".equals(c.getRestartPolicy())))
        .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
        .filter(
            p -> name.equals(p.getName()) && protocol.equals(PortProtocol.orTcp(p.getProtocol())))
        .map(ContainerPort::getContainerPort)
        .filter(Objects::nonNull)
        .findFirst();
  }

  private static Stream<Container> containers(List<Container> containers) {
    return containers == null ? Stream.empty() : containers.stream();
  }

  private static List<ServicePort> servicePorts(Service service) {
    return service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
  }
}
