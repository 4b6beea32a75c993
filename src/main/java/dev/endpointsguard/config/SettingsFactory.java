package dev.endpointsguard.config;

import dev.endpointsguard.kube.CidrList;
import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.RuleId;
import dev.endpointsguard.rules.Settings;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the rules' {@link Settings} from the typed configuration. Values were converted by the
 * configuration library already; what is left are checks it cannot make: rule ids, and rule actions
 * set through environment variables.
 */
public final class SettingsFactory {

  private static final String ENV_RULE_PREFIX = "ENDPOINTS_GUARD_RULES_";

  private SettingsFactory() {}

  /**
   * @param ruleOverridesFromEnv rule actions from {@code ENDPOINTS_GUARD_RULES_<RULE_ID>} variables
   * @param ownServiceAccount {@code system:serviceaccount:<ns>:<name>} of this process, always
   *     trusted
   * @throws IllegalArgumentException naming every bad key and value at once
   */
  public static Settings from(
      GuardConfig config,
      Map<String, String> ruleOverridesFromEnv,
      Optional<String> ownServiceAccount) {
    List<String> problems = new ArrayList<>();
    EnumMap<RuleId, RuleAction> actions = new EnumMap<>(RuleId.class);
    config
        .rules()
        .forEach((id, action) -> ruleId(id, problems).ifPresent(r -> actions.put(r, action)));
    Converters.RuleActionConverter converter = new Converters.RuleActionConverter();
    ruleOverridesFromEnv.forEach(
        (id, value) ->
            ruleId(id, problems)
                .ifPresent(
                    rule -> {
                      try {
                        actions.put(rule, converter.convert(value));
                      } catch (IllegalArgumentException e) {
                        problems.add("endpoints-guard.rules." + id + ": " + e.getMessage());
                      }
                    }));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid endpoints-guard configuration:\n  - " + String.join("\n  - ", problems));
    }
    Set<String> trusted = new LinkedHashSet<>();
    config.trustedUsers().orElse(List.of()).stream()
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(trusted::add);
    ownServiceAccount.ifPresent(trusted::add);
    return new Settings(
        actions,
        trusted,
        config.ip().reservedCidrs(),
        config.ip().deniedCidrs().orElse(CidrList.empty()),
        config.ip().allowedCidrs().orElse(CidrList.empty()),
        config.sessionAffinity().defaultValue(),
        config.sessionAffinity().timeoutSeconds());
  }

  /** The configuration as every default has it: for tools and tests that run without Quarkus. */
  public static GuardConfig defaultConfig() {
    return configOf(Map.of());
  }

  /** The typed configuration of these properties over the defaults, converted as at a start. */
  public static GuardConfig configOf(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GuardConfig.class)
            .withSources(new io.smallrye.config.PropertiesConfigSource(properties, "given", 400))
            .build();
    return config.getConfigMapping(GuardConfig.class);
  }

  /**
   * Reads {@code ENDPOINTS_GUARD_RULES_<RULE_ID>} variables, whose keys env-var mapping cannot
   * recover.
   */
  public static Map<String, String> ruleOverridesFromEnv(Map<String, String> env) {
    Map<String, String> overrides = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_RULE_PREFIX)) {
            overrides.put(
                name.substring(ENV_RULE_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-'),
                value);
          }
        });
    return overrides;
  }

  private static Optional<RuleId> ruleId(String id, List<String> problems) {
    Optional<RuleId> rule = RuleId.byId(id);
    if (rule.isEmpty()) {
      problems.add(
          "endpoints-guard.rules."
              + id
              + ": unknown rule id; known ids: "
              + String.join(", ", Arrays.stream(RuleId.values()).map(RuleId::id).toList()));
    }
    return rule;
  }
}
