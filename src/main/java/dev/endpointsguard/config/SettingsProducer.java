package dev.endpointsguard.config;

import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Validates the configuration once, at start: a bad key stops the process with a message naming it.
 */
@ApplicationScoped
public class SettingsProducer {

  private static final Logger LOG = Logger.getLogger(SettingsProducer.class);

  @Produces
  @Singleton
  OwnIdentity ownIdentity(Config clientConfig) {
    return OwnIdentity.from(System.getenv(), clientConfig.getNamespace());
  }

  @Produces
  @Singleton
  @Startup
  Settings settings(GuardConfig config, OwnIdentity identity) {
    Settings settings =
        SettingsFactory.from(
            config, SettingsFactory.ruleOverridesFromEnv(System.getenv()), identity.username());
    LOG.infof(
        "endpoints-guard settings: reconciler=%s, trusted users=%s, reserved=%s, denied=%s, allowed=%s",
        config.reconciler().mode().id(),
        settings.trustedUsers(),
        settings.reservedCidrs(),
        settings.deniedCidrs(),
        settings.allowedCidrs());
    return settings;
  }
}
