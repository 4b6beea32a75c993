package dev.endpointsguard.rules;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every rule of the contract, with its id as written in config and findings, and its default
 * action.
 */
public enum RuleId {
  // Endpoints
  SERVICE_MISSING("service-missing", RuleAction.DENY),
  SERVICE_HAS_SELECTOR("service-has-selector", RuleAction.WARN),
  SERVICE_EXTERNAL_NAME("service-external-name", RuleAction.WARN),
  IP_INVALID("ip-invalid", RuleAction.DENY),
  IP_RESERVED("ip-reserved", RuleAction.DENY),
  IP_CLUSTER_IP("ip-cluster-ip", RuleAction.DENY),
  IP_FOREIGN_POD("ip-foreign-pod", RuleAction.DENY),
  IP_NODE("ip-node", RuleAction.WARN),
  IP_DENIED_CIDR("ip-denied-cidr", RuleAction.DENY),
  IP_FAMILY_MISMATCH("ip-family-mismatch", RuleAction.WARN),
  ADDRESS_DUPLICATE("address-duplicate", RuleAction.WARN),
  TARGET_REF_INVALID("target-ref-invalid", RuleAction.DENY),
  PORT_INVALID("port-invalid", RuleAction.DENY),
  PORT_NAME_DUPLICATE("port-name-duplicate", RuleAction.DENY),
  PORT_UNMATCHED("port-unmatched", RuleAction.DENY),
  SERVICE_PORT_UNCOVERED("service-port-uncovered", RuleAction.WARN),
  SUBSETS_EMPTY("subsets-empty", RuleAction.WARN),
  OVER_CAPACITY("over-capacity", RuleAction.WARN),
  NOT_MIRRORED("not-mirrored", RuleAction.WARN),
  MANAGED_ENDPOINTS_EDITED("managed-endpoints-edited", RuleAction.WARN),
  APISERVER_ENDPOINTS("apiserver-endpoints", RuleAction.DENY),
  // EndpointSlices
  SLICE_SERVICE_LABEL_MISSING("slice-service-label-missing", RuleAction.WARN),
  SLICE_SELECTOR_SERVICE("slice-selector-service", RuleAction.WARN),
  SLICE_MANAGED_BY_CONTROLLER("slice-managed-by-controller", RuleAction.DENY),
  SLICE_FQDN("slice-fqdn", RuleAction.WARN),
  // Services
  SELECTOR_OVERWRITES_ENDPOINTS("selector-overwrites-endpoints", RuleAction.WARN),
  SELECTOR_MIXES_SLICES("selector-mixes-slices", RuleAction.WARN),
  SELECTOR_REMOVED("selector-removed", RuleAction.WARN),
  SELECTORLESS_WITHOUT_ENDPOINTS("selectorless-without-endpoints", RuleAction.WARN),
  SELECTOR_ANNOTATION_INVALID("selector-annotation-invalid", RuleAction.DENY),
  // sessionAffinity mutation
  SESSION_AFFINITY_INVALID("session-affinity-invalid", RuleAction.DENY),
  SESSION_AFFINITY_IGNORED("session-affinity-ignored", RuleAction.WARN);

  private final String id;
  private final RuleAction defaultAction;

  RuleId(String id, RuleAction defaultAction) {
    this.id = id;
    this.defaultAction = defaultAction;
  }

  public String id() {
    return id;
  }

  public RuleAction defaultAction() {
    return defaultAction;
  }

  public static Optional<RuleId> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }

  @Override
  public String toString() {
    return id;
  }
}
