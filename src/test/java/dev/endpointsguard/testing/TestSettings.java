package dev.endpointsguard.testing;

import dev.endpointsguard.config.SettingsFactory;
import dev.endpointsguard.rules.Settings;
import java.util.Map;
import java.util.Optional;

/**
 * The rules' settings as a start without any configuration builds them: the defaults, written once.
 */
public final class TestSettings {

  private static final Settings DEFAULTS =
      SettingsFactory.from(SettingsFactory.defaultConfig(), Map.of(), Optional.empty());

  private TestSettings() {}

  public static Settings defaults() {
    return DEFAULTS;
  }
}
