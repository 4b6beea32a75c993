package dev.endpointsguard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code endpoints-guard.*} keys of CONTRACT 6 as written. Values are kept as text here and checked in
 * {@link Settings#from} so that a bad value stops the start with a message naming the key.
 */
@ConfigMapping(prefix = "endpoints-guard")
public interface GuardConfig {

    /** {@code endpoints-guard.rules.<rule-id>=deny|warn|off}. */
    Map<String, String> rules();

    /** Replaces the default trusted users when set. */
    @WithName("trusted-users")
    Optional<List<String>> trustedUsers();

    Ip ip();

    @WithName("session-affinity")
    SessionAffinity sessionAffinity();

    Reconciler reconciler();

    Cluster cluster();

    Tls tls();

    Admission admission();

    interface Ip {
        @WithName("reserved-cidrs")
        @WithDefault("fd00:ec2::254/128")
        List<String> reservedCidrs();

        @WithName("denied-cidrs")
        Optional<List<String>> deniedCidrs();

        @WithName("allowed-cidrs")
        Optional<List<String>> allowedCidrs();
    }

    interface SessionAffinity {
        @WithName("default")
        @WithDefault("None")
        String defaultValue();

        @WithName("timeout-seconds")
        @WithDefault("10800")
        String timeoutSeconds();
    }

    interface Reconciler {
        @WithDefault("annotated")
        String mode();
    }

    interface Cluster {
        /** {@code kubernetes} (informers) or {@code files} (YAML manifests). */
        @WithDefault("kubernetes")
        String source();

        /** Files or directories of YAML manifests for {@code source=files}. */
        Optional<List<String>> files();
    }

    interface Tls {
        @WithName("cert-file")
        @WithDefault("/etc/endpoints-guard/tls/tls.crt")
        String certFile();

        @WithName("key-file")
        @WithDefault("/etc/endpoints-guard/tls/tls.key")
        String keyFile();

        /** How often the PEM files are re-read (feeds {@code quarkus.tls.webhook.reload-period}). */
        @WithName("reload-period")
        @WithDefault("10s")
        String reloadPeriod();
    }

    interface Admission {
        /** Heap that large admission bodies may claim at once: a size ({@code 128M}) or a share of the heap ({@code 50%}). */
        @WithName("memory-budget")
        @WithDefault("50%")
        String memoryBudget();
    }
}
