package dev.endpointsguard.rules;

import dev.endpointsguard.kube.CidrList;
import dev.endpointsguard.kube.SessionAffinityType;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rules read of the configuration, validated and immutable. Built once at start from the
 * typed configuration; tests change one aspect at a time with the {@code with*} methods.
 *
 * @param trustedUsers every trusted identity: the built-in ones plus the configured and own ones
 */
public record Settings(
    Map<RuleId, RuleAction> actions,
    Set<String> trustedUsers,
    CidrList reservedCidrs,
    CidrList deniedCidrs,
    CidrList allowedCidrs,
    SessionAffinityType defaultAffinity,
    int affinityTimeoutSeconds) {

  /** The control plane's own writers: always trusted, whatever else is configured. */
  public static final List<String> BUILT_IN_TRUSTED_USERS =
      List.of(
          "system:apiserver",
          "system:kube-controller-manager",
          "system:serviceaccount:kube-system:endpoint-controller",
          "system:serviceaccount:kube-system:endpointslice-controller",
          "system:serviceaccount:kube-system:endpointslicemirroring-controller");

  public Settings {
    EnumMap<RuleId, RuleAction> all = new EnumMap<>(RuleId.class);
    for (RuleId id : RuleId.values()) {
      all.put(id, actions.getOrDefault(id, id.defaultAction()));
    }
    actions = Map.copyOf(all);
    Set<String> trusted = new LinkedHashSet<>(BUILT_IN_TRUSTED_USERS);
    trusted.addAll(trustedUsers);
    trustedUsers = Set.copyOf(trusted);
  }

  public RuleAction action(RuleId rule) {
    return actions.get(rule);
  }

  /**
   * Only usernames grant trust, never groups: {@code system:masters} is not a control-plane writer.
   */
  public boolean isTrusted(String username) {
    return username != null && trustedUsers.contains(username);
  }

  public Settings withAction(RuleId rule, RuleAction action) {
    EnumMap<RuleId, RuleAction> changed = new EnumMap<>(actions);
    changed.put(rule, action);
    return new Settings(
        changed,
        trustedUsers,
        reservedCidrs,
        deniedCidrs,
        allowedCidrs,
        defaultAffinity,
        affinityTimeoutSeconds);
  }

  public Settings withCidrs(CidrList reserved, CidrList denied, CidrList allowed) {
    return new Settings(
        actions, trustedUsers, reserved, denied, allowed, defaultAffinity, affinityTimeoutSeconds);
  }

  public Settings withAffinity(SessionAffinityType type, int timeoutSeconds) {
    return new Settings(
        actions, trustedUsers, reservedCidrs, deniedCidrs, allowedCidrs, type, timeoutSeconds);
  }

  public Settings withTrustedUsers(Set<String> users) {
    return new Settings(
        actions,
        users,
        reservedCidrs,
        deniedCidrs,
        allowedCidrs,
        defaultAffinity,
        affinityTimeoutSeconds);
  }
}
