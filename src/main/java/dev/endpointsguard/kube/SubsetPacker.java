package dev.endpointsguard.kube;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes' {@code RepackSubsets} and {@code truncateEndpoints}, on value records so that two
 * packings can be compared with {@code equals}: addresses deduplicated by IP + targetRef UID,
 * not-ready wins for the same address and port, ports that serve identical address sets grouped
 * into one subset, everything sorted.
 */
public final class SubsetPacker {

  /**
   * Kubernetes' {@code maxCapacity}: addresses (ready + not ready, all subsets) one Endpoints may
   * hold.
   */
  public static final int MAX_CAPACITY = 1000;

  /**
   * The parts of a targetRef the controller writes; resourceVersion and apiVersion are left out on
   * purpose.
   */
  public record Ref(String kind, String namespace, String name, String uid) {}

  public record Addr(String ip, String hostname, String nodeName, Ref targetRef) {
    public String uid() {
      return targetRef == null || targetRef.uid() == null ? "" : targetRef.uid();
    }
  }

  /**
   * An Endpoints port; {@link #NONE} stands for "no port" (headless Service without ports), like
   * Kubernetes' -1.
   */
  public record Port(String name, int port, String protocol, String appProtocol) {
    public static final Port NONE = new Port(null, -1, null, null);
  }

  /**
   * One address and the ports it serves, ready or not: the controller's 1-address subsets before
   * packing.
   */
  public record Entry(Addr address, boolean ready, List<Port> ports) {}

  public record Subset(List<Addr> addresses, List<Addr> notReady, List<Port> ports) {
    public int size() {
      return addresses.size() + notReady.size();
    }
  }

  private record AddrKey(String ip, String uid) {}

  public static final Comparator<Addr> ADDRESS_ORDER =
      Comparator.comparing(Addr::ip).thenComparing(Addr::uid);
  public static final Comparator<Port> PORT_ORDER =
      Comparator.comparing((Port p) -> Objects.toString(p.name(), ""))
          .thenComparingInt(Port::port)
          .thenComparing(p -> Objects.toString(p.protocol(), ""))
          .thenComparing(p -> Objects.toString(p.appProtocol(), ""));
  public static final Comparator<Subset> SUBSET_ORDER =
      (a, b) -> {
        for (int i = 0; i < Math.min(a.ports().size(), b.ports().size()); i++) {
          int c = PORT_ORDER.compare(a.ports().get(i), b.ports().get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.ports().size(), b.ports().size());
      };

  private SubsetPacker() {}

  public static List<Subset> pack(List<Entry> entries) {
    Map<AddrKey, Addr> firstSeen = new LinkedHashMap<>();
    Map<Port, Map<AddrKey, Boolean>> readinessByPort = new LinkedHashMap<>();
    for (Entry entry : entries) {
      AddrKey key = new AddrKey(entry.address().ip(), entry.address().uid());
      firstSeen.putIfAbsent(key, entry.address());
      for (Port port : entry.ports().isEmpty() ? List.of(Port.NONE) : entry.ports()) {
        // not ready wins: an address is ready for a port only if every occurrence says so
        readinessByPort
            .computeIfAbsent(port, p -> new LinkedHashMap<>())
            .merge(key, entry.ready(), Boolean::logicalAnd);
      }
    }
    Map<Map<AddrKey, Boolean>, List<Port>> portsByAddressSet = new LinkedHashMap<>();
    readinessByPort.forEach(
        (port, readiness) ->
            portsByAddressSet.computeIfAbsent(readiness, r -> new ArrayList<>()).add(port));

    List<Subset> subsets = new ArrayList<>();
    portsByAddressSet.forEach(
        (readiness, ports) -> {
          List<Addr> ready = new ArrayList<>();
          List<Addr> notReady = new ArrayList<>();
          readiness.forEach((key, isReady) -> (isReady ? ready : notReady).add(firstSeen.get(key)));
          ready.sort(ADDRESS_ORDER);
          notReady.sort(ADDRESS_ORDER);
          List<Port> sortedPorts =
              ports.stream().filter(p -> !p.equals(Port.NONE)).sorted(PORT_ORDER).toList();
          subsets.add(new Subset(List.copyOf(ready), List.copyOf(notReady), sortedPorts));
        });
    subsets.sort(SUBSET_ORDER);
    return List.copyOf(subsets);
  }

  /** Packs already packed subsets again: the canonical form used for comparison. */
  public static List<Subset> repack(List<Subset> subsets) {
    return pack(entries(subsets));
  }

  public static List<Entry> entries(List<Subset> subsets) {
    List<Entry> entries = new ArrayList<>();
    for (Subset s : subsets) {
      s.addresses().forEach(a -> entries.add(new Entry(a, true, s.ports())));
      s.notReady().forEach(a -> entries.add(new Entry(a, false, s.ports())));
    }
    return entries;
  }

  public static int totalAddresses(List<Subset> subsets) {
    return subsets.stream().mapToInt(Subset::size).sum();
  }

  /**
   * Kubernetes' {@code truncateEndpoints}: above {@link #MAX_CAPACITY}, not-ready addresses go
   * first; if the ready ones alone are too many, each subset keeps a share of ready addresses
   * proportional to its size (rounded up) and no not-ready ones. Subsets left empty are dropped,
   * since the API server rejects a subset without addresses.
   */
  public static List<Subset> truncate(List<Subset> subsets) {
    int totalReady = subsets.stream().mapToInt(s -> s.addresses().size()).sum();
    int totalNotReady = subsets.stream().mapToInt(s -> s.notReady().size()).sum();
    if (totalReady + totalNotReady <= MAX_CAPACITY) {
      return subsets;
    }
    boolean truncateReady = totalReady > MAX_CAPACITY;
    int max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
    int numTotal = truncateReady ? totalReady : totalNotReady;
    int canBeAdded = max;
    List<Subset> result = new ArrayList<>();
    for (Subset s : subsets) {
      int inSubset = truncateReady ? s.addresses().size() : s.notReady().size();
      int toBeAdded = Math.min(canBeAdded, (int) Math.ceil((double) inSubset / numTotal * max));
      Subset kept =
          truncateReady
              ? new Subset(
                  s.addresses().subList(0, Math.min(toBeAdded, s.addresses().size())),
                  List.of(),
                  s.ports())
              : new Subset(
                  s.addresses(),
                  s.notReady().subList(0, Math.min(toBeAdded, s.notReady().size())),
                  s.ports());
      canBeAdded -= truncateReady ? kept.addresses().size() : kept.notReady().size();
      if (kept.size() > 0) {
        result.add(kept);
      }
    }
    return result;
  }

  public static List<EndpointSubset> toModel(List<Subset> subsets) {
    return subsets.stream()
        .map(
            s ->
                new EndpointSubsetBuilder()
                    .withAddresses(s.addresses().stream().map(SubsetPacker::toModel).toList())
                    .withNotReadyAddresses(
                        s.notReady().stream().map(SubsetPacker::toModel).toList())
                    .withPorts(
                        s.ports().stream()
                            .map(
                                p ->
                                    new EndpointPortBuilder()
                                        .withName(p.name())
                                        .withPort(p.port())
                                        .withProtocol(p.protocol())
                                        .withAppProtocol(p.appProtocol())
                                        .build())
                            .toList())
                    .build())
        .toList();
  }

  private static EndpointAddress toModel(Addr a) {
    EndpointAddressBuilder b =
        new EndpointAddressBuilder()
            .withIp(a.ip())
            .withHostname(a.hostname())
            .withNodeName(a.nodeName());
    if (a.targetRef() != null) {
      Ref r = a.targetRef();
      b.withTargetRef(
          new ObjectReferenceBuilder()
              .withKind(r.kind())
              .withNamespace(r.namespace())
              .withName(r.name())
              .withUid(r.uid())
              .build());
    }
    return b.build();
  }

  /**
   * Reads stored subsets as written by anyone, with the API server's defaults (protocol TCP)
   * applied.
   */
  public static List<Subset> fromModel(List<EndpointSubset> subsets) {
    if (subsets == null) {
      return List.of();
    }
    return subsets.stream()
        .map(
            s ->
                new Subset(
                    addresses(s.getAddresses()),
                    addresses(s.getNotReadyAddresses()),
                    s.getPorts() == null
                        ? List.of()
                        : s.getPorts().stream().map(SubsetPacker::port).toList()))
        .toList();
  }

  private static List<Addr> addresses(List<EndpointAddress> addresses) {
    return addresses == null
        ? List.of()
        : addresses.stream()
            .map(
                a ->
                    new Addr(
                        a.getIp(),
                        emptyToNull(a.getHostname()),
                        emptyToNull(a.getNodeName()),
                        ref(a.getTargetRef())))
            .toList();
  }

  private static Ref ref(ObjectReference r) {
    return r == null ? null : new Ref(r.getKind(), r.getNamespace(), r.getName(), r.getUid());
  }

  private static Port port(EndpointPort p) {
    return port(
        p.getName(), p.getPort() == null ? 0 : p.getPort(), p.getProtocol(), p.getAppProtocol());
  }

  public static Port port(String name, int port, String protocol, String appProtocol) {
    return new Port(
        emptyToNull(name), port, PortProtocol.orTcp(protocol), emptyToNull(appProtocol));
  }

  public static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
