package dev.endpointsguard.rules;

import dev.endpointsguard.kube.PortProtocol;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How kube-proxy pairs backend ports with a Service's ports: by (name, protocol), never by number;
 * an unnamed port is {@code ""} on both sides. Shared by the Endpoints and EndpointSlice rules.
 */
final class ServicePorts {

  private ServicePorts() {}

  static List<ServicePort> of(Service service) {
    return service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of()
        : service.getSpec().getPorts();
  }

  static String key(String name, String protocol) {
    return (name == null ? "" : name) + "/" + PortProtocol.orTcp(protocol);
  }

  static String key(ServicePort port) {
    return key(port.getName(), port.getProtocol());
  }

  /** The {@code port-unmatched} finding for a backend port no Service port pairs with, if any. */
  static Optional<Finding> unmatched(
      String field, String name, String protocol, Integer number, List<ServicePort> servicePorts) {
    String key = key(name, protocol);
    if (servicePorts.isEmpty() || servicePorts.stream().anyMatch(sp -> key(sp).equals(key))) {
      return Optional.empty();
    }
    String hint =
        servicePorts.stream()
            .filter(sp -> name.equals(nameOf(sp)))
            .findFirst()
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
                        .filter(sp -> number != null && number.equals(sp.getPort()))
                        .findFirst()
                        .map(
                            sp ->
                                "; the Service calls port "
                                    + sp.getPort()
                                    + " \""
                                    + nameOf(sp)
                                    + "\", so name it that")
                        .orElse("; rename it to one of them"));
    return Optional.of(
        Finding.of(
            RuleId.PORT_UNMATCHED,
            field,
            "port \""
                + name
                + "\"/"
                + PortProtocol.orTcp(protocol)
                + " matches no port of the Service (kube-proxy pairs ports by name and protocol),"
                + " whose ports are "
                + describe(servicePorts)
                + hint));
  }

  /** {@code service-port-uncovered} for each Service port no backend provides. */
  static void uncovered(
      Service service, Set<String> provided, String backends, List<Finding> findings) {
    for (ServicePort sp : of(service)) {
      if (!provided.contains(key(sp))) {
        findings.add(
            Finding.whole(
                RuleId.SERVICE_PORT_UNCOVERED,
                "Service port \""
                    + nameOf(sp)
                    + "\"/"
                    + PortProtocol.orTcp(sp.getProtocol())
                    + " ("
                    + sp.getPort()
                    + ") is provided by no "
                    + backends
                    + ", so it has no backends; add a port named \""
                    + nameOf(sp)
                    + "\""));
      }
    }
  }

  static String describe(List<ServicePort> ports) {
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

  static String nameOf(ServicePort sp) {
    return sp.getName() == null ? "" : sp.getName();
  }
}
