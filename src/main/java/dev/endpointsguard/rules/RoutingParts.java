package dev.endpointsguard.rules;

import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The routing-relevant part of each kind (docs/contract.md#update-semantics) as a value whose
 * {@code equals} is the contract's deep equality, and the address strings of an object by field
 * path. Lists are normalised ({@code null} and empty are the same), the fabric8 model objects
 * inside compare with their own {@code equals}.
 */
public final class RoutingParts {

  /** The labels of an Endpoints object that decide whether kube-proxy uses it. */
  static final List<String> ENDPOINTS_LABELS =
      List.of(
          WellKnown.SKIP_MIRROR_LABEL,
          WellKnown.HEADLESS_LABEL,
          WellKnown.SERVICE_PROXY_NAME_LABEL);

  static final List<String> ENDPOINTS_ANNOTATIONS = List.of(WellKnown.LEADER_ANNOTATION);

  /**
   * The labels of an EndpointSlice that decide whether and for which Service kube-proxy uses it.
   */
  static final List<String> SLICE_LABELS =
      List.of(
          WellKnown.SERVICE_NAME_LABEL,
          WellKnown.SLICE_MANAGED_BY_LABEL,
          WellKnown.HEADLESS_LABEL,
          WellKnown.SERVICE_PROXY_NAME_LABEL);

  private RoutingParts() {}

  /** The routing-relevant part of an EndpointSlice. */
  record EndpointSlicePart(
      String addressType,
      List<Endpoint> endpoints,
      List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports,
      Map<String, String> labels) {}

  /** {@code addressType}, {@code endpoints}, {@code ports} and the labels {@link #SLICE_LABELS}. */
  public static Object endpointSlice(EndpointSlice slice) {
    return new EndpointSlicePart(
        slice.getAddressType(),
        orEmpty(slice.getEndpoints()),
        orEmpty(slice.getPorts()),
        picked(slice, ObjectMeta::getLabels, SLICE_LABELS));
  }

  /** Every address string of an EndpointSlice by field path ({@code endpoints[i].addresses[j]}). */
  public static Map<String, String> endpointSliceAddresses(EndpointSlice slice) {
    Map<String, String> byField = new LinkedHashMap<>();
    List<Endpoint> endpoints = orEmpty(slice.getEndpoints());
    for (int i = 0; i < endpoints.size(); i++) {
      List<String> addresses =
          endpoints.get(i) == null ? List.of() : orEmpty(endpoints.get(i).getAddresses());
      for (int j = 0; j < addresses.size(); j++) {
        if (addresses.get(j) != null) {
          byField.put("endpoints[" + i + "].addresses[" + j + "]", addresses.get(j));
        }
      }
    }
    return byField;
  }

  /** The routing-relevant part of an Endpoints object. */
  record EndpointsPart(
      List<SubsetPart> subsets, Map<String, String> labels, Map<String, String> annotations) {}

  record SubsetPart(
      List<EndpointAddress> addresses,
      List<EndpointAddress> notReadyAddresses,
      List<EndpointPort> ports) {}

  /**
   * {@code subsets}, the labels {@link #ENDPOINTS_LABELS} and the annotation {@link
   * #ENDPOINTS_ANNOTATIONS} of an Endpoints object.
   */
  public static Object endpoints(Endpoints endpoints) {
    List<SubsetPart> subsets =
        orEmpty(endpoints.getSubsets()).stream()
            .map(
                s ->
                    new SubsetPart(
                        orEmpty(s.getAddresses()),
                        orEmpty(s.getNotReadyAddresses()),
                        orEmpty(s.getPorts())))
            .toList();
    return new EndpointsPart(
        subsets,
        picked(endpoints, ObjectMeta::getLabels, ENDPOINTS_LABELS),
        picked(endpoints, ObjectMeta::getAnnotations, ENDPOINTS_ANNOTATIONS));
  }

  /**
   * Every address string of an Endpoints object by the field path its findings carry ({@code
   * subsets[i].addresses[j].ip}, {@code subsets[i].notReadyAddresses[j].ip}).
   */
  public static Map<String, String> endpointsAddresses(Endpoints endpoints) {
    Map<String, String> byField = new LinkedHashMap<>();
    List<EndpointSubset> subsets = orEmpty(endpoints.getSubsets());
    for (int i = 0; i < subsets.size(); i++) {
      addresses(byField, "subsets[" + i + "].addresses", subsets.get(i).getAddresses());
      addresses(
          byField, "subsets[" + i + "].notReadyAddresses", subsets.get(i).getNotReadyAddresses());
    }
    return byField;
  }

  private static void addresses(
      Map<String, String> byField, String path, List<EndpointAddress> addresses) {
    List<EndpointAddress> list = orEmpty(addresses);
    for (int j = 0; j < list.size(); j++) {
      if (list.get(j) != null && list.get(j).getIp() != null) {
        byField.put(path + "[" + j + "].ip", list.get(j).getIp());
      }
    }
  }

  /** The entries of the given keys that are present, sorted: absent and empty maps are equal. */
  static Map<String, String> picked(
      HasMetadata object, Function<ObjectMeta, Map<String, String>> map, Collection<String> keys) {
    ObjectMeta meta = object.getMetadata();
    Map<String, String> all = meta == null ? null : map.apply(meta);
    Map<String, String> picked = new TreeMap<>();
    if (all != null) {
      for (String key : keys) {
        if (all.containsKey(key)) {
          picked.put(key, all.get(key));
        }
      }
    }
    return picked;
  }

  static <E> List<E> orEmpty(List<E> list) {
    return list == null ? List.of() : list;
  }
}
