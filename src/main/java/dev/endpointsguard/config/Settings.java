package dev.endpointsguard.config;

import dev.endpointsguard.rules.CidrList;
import dev.endpointsguard.rules.RuleId;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated, immutable settings every rule reads. Built once at start from {@link GuardConfig}; tests build
 * it directly with {@link #defaults()} and the {@code with*} methods.
 */
public record Settings(
        Map<RuleId, RuleAction> actions,
        Set<String> trustedUsers,
        CidrList reservedCidrs,
        CidrList deniedCidrs,
        CidrList allowedCidrs,
        SessionAffinityType defaultAffinity,
        int affinityTimeoutSeconds,
        ReconcilerMode reconcilerMode) {

    public static final List<String> CONTROL_PLANE_USERS = List.of(
            "system:apiserver",
            "system:kube-controller-manager",
            "system:serviceaccount:kube-system:endpoint-controller",
            "system:serviceaccount:kube-system:endpointslice-controller",
            "system:serviceaccount:kube-system:endpointslicemirroring-controller");
    public static final String DEFAULT_RESERVED_CIDR = "fd00:ec2::254/128";
    public static final int DEFAULT_AFFINITY_TIMEOUT = 10800;
    public static final int MAX_AFFINITY_TIMEOUT = 86400;

    /** The two values of {@code spec.sessionAffinity}. */
    public enum SessionAffinityType {
        None, ClientIP;

        public static Optional<SessionAffinityType> parse(String value) {
            for (SessionAffinityType t : values()) {
                if (t.name().equals(value)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    public Settings {
        EnumMap<RuleId, RuleAction> all = new EnumMap<>(RuleId.class);
        for (RuleId id : RuleId.values()) {
            all.put(id, actions.getOrDefault(id, id.defaultAction()));
        }
        actions = Map.copyOf(all);
        trustedUsers = Set.copyOf(trustedUsers);
    }

    /** Contract defaults, trusting only the control-plane identities. */
    public static Settings defaults() {
        return new Settings(Map.of(), Set.copyOf(CONTROL_PLANE_USERS), CidrList.parse(List.of(DEFAULT_RESERVED_CIDR)),
                CidrList.empty(), CidrList.empty(), SessionAffinityType.None, DEFAULT_AFFINITY_TIMEOUT,
                ReconcilerMode.ANNOTATED);
    }

    public RuleAction action(RuleId rule) {
        return actions.get(rule);
    }

    public boolean isTrusted(String username) {
        return username != null && trustedUsers.contains(username);
    }

    public Settings withAction(RuleId rule, RuleAction action) {
        EnumMap<RuleId, RuleAction> changed = new EnumMap<>(actions);
        changed.put(rule, action);
        return new Settings(changed, trustedUsers, reservedCidrs, deniedCidrs, allowedCidrs, defaultAffinity,
                affinityTimeoutSeconds, reconcilerMode);
    }

    public Settings withCidrs(CidrList reserved, CidrList denied, CidrList allowed) {
        return new Settings(actions, trustedUsers, reserved, denied, allowed, defaultAffinity, affinityTimeoutSeconds,
                reconcilerMode);
    }

    public Settings withAffinity(SessionAffinityType type, int timeoutSeconds) {
        return new Settings(actions, trustedUsers, reservedCidrs, deniedCidrs, allowedCidrs, type, timeoutSeconds,
                reconcilerMode);
    }

    public Settings withReconcilerMode(ReconcilerMode mode) {
        return new Settings(actions, trustedUsers, reservedCidrs, deniedCidrs, allowedCidrs, defaultAffinity,
                affinityTimeoutSeconds, mode);
    }

    public Settings withTrustedUsers(Set<String> users) {
        return new Settings(actions, users, reservedCidrs, deniedCidrs, allowedCidrs, defaultAffinity,
                affinityTimeoutSeconds, reconcilerMode);
    }

    /**
     * Validates the raw configuration. Every problem is collected so that one failed start names all of them.
     *
     * @param ownServiceAccount {@code system:serviceaccount:<ns>:<name>} of this process, trusted by default
     * @throws IllegalArgumentException listing each bad key and value
     */
    public static Settings from(GuardConfig config, Map<String, String> ruleOverridesFromEnv, Optional<String> ownServiceAccount) {
        List<String> problems = new ArrayList<>();

        EnumMap<RuleId, RuleAction> actions = new EnumMap<>(RuleId.class);
        Map<String, String> rules = new java.util.TreeMap<>(config.rules());
        rules.putAll(ruleOverridesFromEnv);
        rules.forEach((id, value) -> {
            Optional<RuleId> rule = RuleId.byId(id);
            if (rule.isEmpty()) {
                problems.add("endpoints-guard.rules." + id + ": unknown rule id; known ids: " + knownRuleIds());
                return;
            }
            try {
                actions.put(rule.get(), RuleAction.parse(value));
            } catch (IllegalArgumentException e) {
                problems.add("endpoints-guard.rules." + id + ": " + e.getMessage());
            }
        });

        Set<String> trusted = new LinkedHashSet<>();
        if (config.trustedUsers().isPresent()) {
            config.trustedUsers().get().stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(trusted::add);
        } else {
            trusted.addAll(CONTROL_PLANE_USERS);
            ownServiceAccount.ifPresent(trusted::add);
        }

        CidrList reserved = cidrs("endpoints-guard.ip.reserved-cidrs", config.ip().reservedCidrs(), problems);
        CidrList denied = cidrs("endpoints-guard.ip.denied-cidrs", config.ip().deniedCidrs().orElse(List.of()), problems);
        CidrList allowed = cidrs("endpoints-guard.ip.allowed-cidrs", config.ip().allowedCidrs().orElse(List.of()), problems);

        String affinityText = config.sessionAffinity().defaultValue().trim();
        SessionAffinityType affinity = SessionAffinityType.parse(affinityText).orElseGet(() -> {
            problems.add("endpoints-guard.session-affinity.default: '" + affinityText + "' is not a sessionAffinity; use None or ClientIP");
            return SessionAffinityType.None;
        });
        int timeout = DEFAULT_AFFINITY_TIMEOUT;
        String timeoutText = config.sessionAffinity().timeoutSeconds().trim();
        try {
            timeout = Integer.parseInt(timeoutText);
            if (timeout < 1 || timeout > MAX_AFFINITY_TIMEOUT) {
                problems.add("endpoints-guard.session-affinity.timeout-seconds: " + timeout + " is outside 1-86400 seconds");
            }
        } catch (NumberFormatException e) {
            problems.add("endpoints-guard.session-affinity.timeout-seconds: '" + timeoutText + "' is not a whole number of seconds (1-86400)");
        }

        ReconcilerMode mode = ReconcilerMode.ANNOTATED;
        try {
            mode = ReconcilerMode.parse(config.reconciler().mode());
        } catch (IllegalArgumentException e) {
            problems.add("endpoints-guard.reconciler.mode: " + e.getMessage());
        }

        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid endpoints-guard configuration:\n  - " + String.join("\n  - ", problems));
        }
        return new Settings(actions, trusted, reserved, denied, allowed, affinity, timeout, mode);
    }

    /** Reads {@code ENDPOINTS_GUARD_RULES_<RULE_ID>} variables, whose map keys env-var mapping cannot recover. */
    public static Map<String, String> ruleOverridesFromEnv(Map<String, String> env) {
        String prefix = "ENDPOINTS_GUARD_RULES_";
        Map<String, String> overrides = new java.util.TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                overrides.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        return overrides;
    }

    private static CidrList cidrs(String key, List<String> values, List<String> problems) {
        try {
            return CidrList.parse(values);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return CidrList.empty();
        }
    }

    private static String knownRuleIds() {
        return String.join(", ", java.util.Arrays.stream(RuleId.values()).map(RuleId::id).toList());
    }
}
