package dev.endpointsguard.config;

import dev.endpointsguard.kube.CidrList;
import dev.endpointsguard.kube.SessionAffinityType;
import dev.endpointsguard.rules.RuleAction;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code endpoints-guard.*} keys (docs/contract.md#configuration), typed. Each default is
 * written here and nowhere else; a value that does not convert stops the start with a message
 * naming its key.
 */
@ConfigMapping(prefix = "endpoints-guard")
public interface GuardConfig {

  /**
   * {@code endpoints-guard.rules.<rule-id>=deny|warn|off}; ids are checked in {@link
   * SettingsFactory}.
   */
  Map<String, @WithConverter(Converters.RuleActionConverter.class) RuleAction> rules();

  /** Identities trusted in addition to the built-in control-plane ones. */
  @WithName("trusted-users")
  Optional<List<String>> trustedUsers();

  Ip ip();

  @WithName("session-affinity")
  SessionAffinity sessionAffinity();

  Reconciler reconciler();

  Cluster cluster();

  Tls tls();

  Admission admission();

  Audit audit();

  interface Ip {
    /**
     * Added to the built-in reserved ranges: cloud metadata and host-agent addresses outside
     * link-local.
     */
    @WithName("reserved-cidrs")
    @WithDefault(
        "fd00:ec2::254/128,fd00:ec2::23/128,fd20:ce::254/128,100.100.100.200/32,168.63.129.16/32")
    @WithConverter(Converters.CidrListConverter.class)
    CidrList reservedCidrs();

    @WithName("denied-cidrs")
    @WithConverter(Converters.CidrListConverter.class)
    Optional<CidrList> deniedCidrs();

    @WithName("allowed-cidrs")
    @WithConverter(Converters.CidrListConverter.class)
    Optional<CidrList> allowedCidrs();
  }

  interface SessionAffinity {
    @WithName("default")
    @WithDefault("None")
    @WithConverter(Converters.SessionAffinityConverter.class)
    SessionAffinityType defaultValue();

    /** Whole seconds, 1-86400. */
    @WithName("timeout-seconds")
    @WithDefault("10800")
    @WithConverter(Converters.AffinityTimeoutConverter.class)
    Integer timeoutSeconds();
  }

  interface Reconciler {
    @WithDefault("annotated")
    @WithConverter(Converters.ReconcilerModeConverter.class)
    ReconcilerMode mode();
  }

  interface Cluster {
    @WithDefault("kubernetes")
    @WithConverter(Converters.ClusterSourceConverter.class)
    ClusterSource source();

    /** Files or directories of YAML/JSON manifests for {@code source=files}. */
    Optional<List<String>> files();

    /** Bound of each API read that confirms a denial resting on the cluster view. */
    @WithName("confirm-timeout")
    @WithDefault("1s")
    @WithConverter(DurationConverter.class)
    Duration confirmTimeout();
  }

  interface Tls {
    @WithName("cert-file")
    @WithDefault("/etc/endpoints-guard/tls/tls.crt")
    String certFile();

    @WithName("key-file")
    @WithDefault("/etc/endpoints-guard/tls/tls.key")
    String keyFile();

    /** How often the PEM files are checked for a change (the TLS context itself never changes). */
    @WithName("reload-period")
    @WithDefault("10s")
    @WithConverter(DurationConverter.class)
    Duration reloadPeriod();
  }

  interface Admission {
    /**
     * Heap that large admission bodies may claim at once: a size ({@code 128M}) or a share of the
     * heap ({@code 50%}).
     */
    @WithName("memory-budget")
    @WithDefault("50%")
    @WithConverter(Converters.MemoryBudgetConverter.class)
    MemoryBudgetSize memoryBudget();
  }

  interface Audit {
    /** How often stored objects are judged again; {@code 0} turns the audit off. */
    @WithDefault("5m")
    @WithConverter(DurationConverter.class)
    Duration interval();
  }
}
