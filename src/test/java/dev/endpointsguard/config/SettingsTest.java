package dev.endpointsguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endpointsguard.kube.SessionAffinityType;
import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.RuleId;
import dev.endpointsguard.rules.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Configuration is validated at start: every bad key is named, every default is the documented one.
 */
class SettingsTest {

  static Settings settings(Map<String, String> properties) {
    return SettingsFactory.from(
        SettingsFactory.configOf(properties),
        Map.of(),
        Optional.of("system:serviceaccount:eg:endpoints-guard"));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    Settings s = settings(Map.of());
    for (RuleId rule : RuleId.values()) {
      assertThat(s.action(rule)).as(rule.id()).isEqualTo(rule.defaultAction());
    }
    assertThat(s.action(RuleId.SERVICE_MISSING)).isEqualTo(RuleAction.DENY);
    assertThat(s.action(RuleId.SERVICE_HAS_SELECTOR)).isEqualTo(RuleAction.WARN);
    assertThat(s.trustedUsers())
        .containsExactlyInAnyOrder(
            "system:apiserver",
            "system:kube-controller-manager",
            "system:serviceaccount:kube-system:endpoint-controller",
            "system:serviceaccount:kube-system:endpointslice-controller",
            "system:serviceaccount:kube-system:endpointslicemirroring-controller",
            "system:serviceaccount:eg:endpoints-guard");
    assertThat(s.reservedCidrs().toString())
        .isEqualTo(
            "[fd00:ec2::254/128, fd00:ec2::23/128, fd20:ce::254/128, 100.100.100.200/32,"
                + " 168.63.129.16/32]");
    assertThat(s.deniedCidrs().isEmpty()).isTrue();
    assertThat(s.allowedCidrs().isEmpty()).isTrue();
    assertThat(s.defaultAffinity()).isEqualTo(SessionAffinityType.None);
    assertThat(s.affinityTimeoutSeconds()).isEqualTo(10800);
    GuardConfig config = SettingsFactory.defaultConfig();
    assertThat(config.reconciler().mode()).isEqualTo(ReconcilerMode.ANNOTATED);
    assertThat(config.cluster().source()).isEqualTo(ClusterSource.KUBERNETES);
    assertThat(config.cluster().confirmTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.audit().interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.tls().reloadPeriod()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void ruleActionsAndListsAreRead() {
    Map<String, String> properties =
        Map.of(
            "endpoints-guard.rules.service-missing", "warn",
            "endpoints-guard.rules.subsets-empty", "OFF",
            "endpoints-guard.trusted-users", "ci-bot",
            "endpoints-guard.ip.denied-cidrs", "10.96.0.0/12, fd00::/8",
            "endpoints-guard.session-affinity.default", "ClientIP",
            "endpoints-guard.session-affinity.timeout-seconds", "600",
            "endpoints-guard.reconciler.mode", "all",
            "endpoints-guard.audit.interval", "0");
    Settings s = settings(properties);
    assertThat(s.action(RuleId.SERVICE_MISSING)).isEqualTo(RuleAction.WARN);
    assertThat(s.action(RuleId.SUBSETS_EMPTY)).isEqualTo(RuleAction.OFF);
    assertThat(s.deniedCidrs().toString()).isEqualTo("[10.96.0.0/12, fd00::/8]");
    assertThat(s.defaultAffinity()).isEqualTo(SessionAffinityType.ClientIP);
    assertThat(s.affinityTimeoutSeconds()).isEqualTo(600);
    assertThat(SettingsFactory.configOf(properties).reconciler().mode())
        .isEqualTo(ReconcilerMode.ALL);
    assertThat(SettingsFactory.configOf(properties).audit().interval()).isZero();
  }

  @Test
  void configuredTrustedUsersAddToTheBuiltInOnes() {
    Settings s = settings(Map.of("endpoints-guard.trusted-users", "ci-bot"));
    assertThat(s.trustedUsers())
        .contains("ci-bot", "system:serviceaccount:eg:endpoints-guard")
        .containsAll(Settings.BUILT_IN_TRUSTED_USERS);
    assertThat(s.isTrusted("system:serviceaccount:kube-system:endpoint-controller")).isTrue();
    assertThat(s.isTrusted("system:masters")).as("a group name is no user").isFalse();
  }

  @Test
  void ruleActionsFromEnvironmentVariables() {
    Map<String, String> fromEnv =
        SettingsFactory.ruleOverridesFromEnv(
            Map.of("ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "warn", "PATH", "/usr/bin"));
    assertThat(fromEnv).containsExactly(Map.entry("service-missing", "warn"));
    Settings s = SettingsFactory.from(SettingsFactory.defaultConfig(), fromEnv, Optional.empty());
    assertThat(s.action(RuleId.SERVICE_MISSING)).isEqualTo(RuleAction.WARN);
  }

  @Test
  void everyBadValueIsNamedInOneMessage() {
    assertThatThrownBy(
            () ->
                settings(
                    Map.of(
                        "endpoints-guard.rules.ip-invalid", "block",
                        "endpoints-guard.ip.allowed-cidrs", "10.0.0.0/33",
                        "endpoints-guard.session-affinity.default", "Sticky",
                        "endpoints-guard.session-affinity.timeout-seconds", "86401",
                        "endpoints-guard.reconciler.mode", "sometimes",
                        "endpoints-guard.admission.memory-budget", "lots",
                        "endpoints-guard.audit.interval", "often")))
        .hasMessageContaining("endpoints-guard.rules.ip-invalid")
        .hasMessageContaining("'block' is not a rule action; use deny, warn or off")
        .hasMessageContaining("endpoints-guard.ip.allowed-cidrs")
        .hasMessageContaining("'10.0.0.0/33' is not a CIDR")
        .hasMessageContaining("endpoints-guard.session-affinity.default")
        .hasMessageContaining("'Sticky' is not a sessionAffinity")
        .hasMessageContaining("endpoints-guard.session-affinity.timeout-seconds")
        .hasMessageContaining("86401 is outside 1-86400")
        .hasMessageContaining("endpoints-guard.reconciler.mode")
        .hasMessageContaining("'sometimes' is not a reconciler mode")
        .hasMessageContaining("endpoints-guard.admission.memory-budget")
        .hasMessageContaining("endpoints-guard.audit.interval");
  }

  @Test
  void anUnknownRuleIdIsNamed() {
    assertThatThrownBy(() -> settings(Map.of("endpoints-guard.rules.no-such-rule", "deny")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "endpoints-guard.rules.no-such-rule: unknown rule id; known ids: service-missing,");
  }

  @Test
  void aNonNumericTimeoutIsNamed() {
    assertThatThrownBy(
            () -> settings(Map.of("endpoints-guard.session-affinity.timeout-seconds", "3h")))
        .hasMessageContaining("'3h' is not a whole number of seconds");
  }
}
