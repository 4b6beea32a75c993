package dev.endpointsguard.rules;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What an UPDATE is judged on (docs/contract.md#update-semantics), for any kind given its
 * routing-relevant part and its address strings:
 *
 * <ul>
 *   <li>routing-relevant part unchanged: only the {@link #WRITER_RULES} and {@code not-mirrored}
 *       count, so metadata-only edits and finalizer removals pass even when the stored addresses
 *       have become invalid since;
 *   <li>changed (with or without {@code deletionTimestamp}): every finding counts, except that an
 *       {@code ip-invalid} finding about an address string already present in {@code oldObject} is
 *       reported at most as a warning (legacy spellings may stay while the rest is edited).
 * </ul>
 *
 * CREATE, and an UPDATE without {@code oldObject}, are judged in full.
 *
 * @param routingPart the routing-relevant part as a value compared with {@code equals}
 * @param addressesByField every address string of an object, by the field path of its findings
 */
public record UpdateScope<T>(
    Function<T, Object> routingPart, Function<T, Map<String, String>> addressesByField) {

  /** Rules about who writes an object rather than where it routes; they judge every UPDATE. */
  public static final Set<RuleId> WRITER_RULES =
      Set.of(
          RuleId.MANAGED_ENDPOINTS_EDITED,
          RuleId.APISERVER_ENDPOINTS,
          RuleId.SLICE_MANAGED_BY_CONTROLLER);

  /** The Endpoints scope: {@code subsets}, three labels and the leader annotation. */
  public static final UpdateScope<Endpoints> ENDPOINTS =
      new UpdateScope<>(RoutingParts::endpoints, RoutingParts::endpointsAddresses);

  /**
   * The EndpointSlice scope: {@code addressType}, {@code endpoints}, {@code ports}, four labels.
   */
  public static final UpdateScope<EndpointSlice> ENDPOINT_SLICES =
      new UpdateScope<>(RoutingParts::endpointSlice, RoutingParts::endpointSliceAddresses);

  public UpdateScope {
    Objects.requireNonNull(routingPart, "routingPart");
    Objects.requireNonNull(addressesByField, "addressesByField");
  }

  /** The rules judging an UPDATE that leaves the routing-relevant part unchanged. */
  static Set<RuleId> unchangedRoutingRules() {
    Set<RuleId> rules = EnumSet.of(RuleId.NOT_MIRRORED);
    rules.addAll(WRITER_RULES);
    return rules;
  }

  /** The validator's findings, scoped to what the request is judged on. */
  public Validator<T> around(Validator<T> rules) {
    return (request, cluster, settings) ->
        scope(request, rules.validate(request, cluster, settings));
  }

  public List<Finding> scope(AdmissionRequest<T> request, List<Finding> findings) {
    if (!request.isUpdate() || request.oldObject() == null || request.object() == null) {
      return findings;
    }
    T object = request.object();
    T old = request.oldObject();
    if (routingPart.apply(object).equals(routingPart.apply(old))) {
      Set<RuleId> judging = unchangedRoutingRules();
      return findings.stream().filter(f -> judging.contains(f.rule())).toList();
    }
    if (findings.stream().noneMatch(f -> f.rule() == RuleId.IP_INVALID)) {
      return findings; // the common case: nothing to ratchet, no address maps to build
    }
    Set<String> oldAddresses = new HashSet<>(addressesByField.apply(old).values());
    Map<String, String> addresses = addressesByField.apply(object);
    return findings.stream()
        .map(
            f ->
                f.rule() == RuleId.IP_INVALID
                        && addresses.containsKey(f.field())
                        && oldAddresses.contains(addresses.get(f.field()))
                    ? f.atMostWarning()
                    : f)
        .toList();
  }
}
