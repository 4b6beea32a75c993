package dev.endpointsguard.config;

import dev.endpointsguard.rules.RuleId;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration is validated at start: every bad key is named, every default is the contract's. */
class SettingsTest {

    static GuardConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GuardConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(GuardConfig.class);
    }

    static Settings settings(Map<String, String> properties) {
        return Settings.from(config(properties), Map.of(), Optional.of("system:serviceaccount:eg:endpoints-guard"));
    }

    @Test
    void defaultsAreTheContracts() {
        Settings s = settings(Map.of());
        for (RuleId rule : RuleId.values()) {
            assertThat(s.action(rule)).as(rule.id()).isEqualTo(rule.defaultAction());
        }
        assertThat(s.action(RuleId.SERVICE_MISSING)).isEqualTo(RuleAction.DENY);
        assertThat(s.action(RuleId.SERVICE_HAS_SELECTOR)).isEqualTo(RuleAction.WARN);
        assertThat(s.trustedUsers()).containsExactlyInAnyOrder("system:apiserver", "system:kube-controller-manager",
                "system:serviceaccount:kube-system:endpoint-controller",
                "system:serviceaccount:kube-system:endpointslice-controller",
                "system:serviceaccount:kube-system:endpointslicemirroring-controller",
                "system:serviceaccount:eg:endpoints-guard");
        assertThat(s.reservedCidrs().toString()).isEqualTo("[fd00:ec2::254/128]");
        assertThat(s.deniedCidrs().isEmpty()).isTrue();
        assertThat(s.allowedCidrs().isEmpty()).isTrue();
        assertThat(s.defaultAffinity()).isEqualTo(Settings.SessionAffinityType.None);
        assertThat(s.affinityTimeoutSeconds()).isEqualTo(10800);
        assertThat(s.reconcilerMode()).isEqualTo(ReconcilerMode.ANNOTATED);
    }

    @Test
    void ruleActionsAndListsAreRead() {
        Settings s = settings(Map.of(
                "endpoints-guard.rules.service-missing", "warn",
                "endpoints-guard.rules.subsets-empty", "OFF",
                "endpoints-guard.trusted-users", "system:apiserver,ci-bot",
                "endpoints-guard.ip.denied-cidrs", "10.96.0.0/12, fd00::/8",
                "endpoints-guard.session-affinity.default", "ClientIP",
                "endpoints-guard.session-affinity.timeout-seconds", "600",
                "endpoints-guard.reconciler.mode", "all"));
        assertThat(s.action(RuleId.SERVICE_MISSING)).isEqualTo(RuleAction.WARN);
        assertThat(s.action(RuleId.SUBSETS_EMPTY)).isEqualTo(RuleAction.OFF);
        assertThat(s.trustedUsers()).containsExactlyInAnyOrder("system:apiserver", "ci-bot");
        assertThat(s.deniedCidrs().toString()).isEqualTo("[10.96.0.0/12, fd00::/8]");
        assertThat(s.defaultAffinity()).isEqualTo(Settings.SessionAffinityType.ClientIP);
        assertThat(s.affinityTimeoutSeconds()).isEqualTo(600);
        assertThat(s.reconcilerMode()).isEqualTo(ReconcilerMode.ALL);
    }

    @Test
    void ruleActionsFromEnvironmentVariables() {
        Map<String, String> fromEnv = Settings.ruleOverridesFromEnv(Map.of(
                "ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "warn", "PATH", "/usr/bin"));
        assertThat(fromEnv).containsExactly(Map.entry("service-missing", "warn"));
        Settings s = Settings.from(config(Map.of()), fromEnv, Optional.empty());
        assertThat(s.action(RuleId.SERVICE_MISSING)).isEqualTo(RuleAction.WARN);
    }

    @Test
    void everyBadValueIsNamedInOneMessage() {
        assertThatThrownBy(() -> settings(Map.of(
                "endpoints-guard.rules.no-such-rule", "deny",
                "endpoints-guard.rules.ip-invalid", "block",
                "endpoints-guard.ip.allowed-cidrs", "10.0.0.0/33",
                "endpoints-guard.session-affinity.default", "Sticky",
                "endpoints-guard.session-affinity.timeout-seconds", "86401",
                "endpoints-guard.reconciler.mode", "sometimes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints-guard.rules.no-such-rule: unknown rule id; known ids: service-missing,")
                .hasMessageContaining("endpoints-guard.rules.ip-invalid: 'block' is not a rule action; use deny, warn or off")
                .hasMessageContaining("endpoints-guard.ip.allowed-cidrs: '10.0.0.0/33' is not a CIDR")
                .hasMessageContaining("endpoints-guard.session-affinity.default: 'Sticky' is not a sessionAffinity")
                .hasMessageContaining("endpoints-guard.session-affinity.timeout-seconds: 86401 is outside 1-86400")
                .hasMessageContaining("endpoints-guard.reconciler.mode: 'sometimes' is not a reconciler mode");
    }

    @Test
    void aNonNumericTimeoutIsNamed() {
        assertThatThrownBy(() -> settings(Map.of("endpoints-guard.session-affinity.timeout-seconds", "3h")))
                .hasMessageContaining("'3h' is not a whole number of seconds");
    }
}
