package dev.endpointsguard.config;

import dev.endpointsguard.kube.CidrList;
import dev.endpointsguard.kube.SessionAffinityType;
import dev.endpointsguard.rules.RuleAction;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Converters for the typed configuration. Each throws a message that says what is accepted; the
 * configuration library prefixes it with the key and value, and reports every bad key of a start in
 * one error.
 */
final class Converters {

  private Converters() {}

  /** The lower-case spelling of an enum constant, as configuration values are written. */
  static <E extends Enum<E>> E choice(Class<E> type, String value, String what) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.trim())) {
        return constant;
      }
    }
    String[] ids =
        Arrays.stream(type.getEnumConstants())
            .map(c -> c.name().toLowerCase(Locale.ROOT))
            .toArray(String[]::new);
    String choices =
        Arrays.stream(ids, 0, ids.length - 1).collect(Collectors.joining(", "))
            + " or "
            + ids[ids.length - 1];
    throw new IllegalArgumentException(
        "'" + value.trim() + "' is not a " + what + "; use " + choices);
  }

  public static final class RuleActionConverter implements Converter<RuleAction> {
    @Override
    public RuleAction convert(String value) {
      return choice(RuleAction.class, value, "rule action");
    }
  }

  public static final class ReconcilerModeConverter implements Converter<ReconcilerMode> {
    @Override
    public ReconcilerMode convert(String value) {
      return choice(ReconcilerMode.class, value, "reconciler mode");
    }
  }

  public static final class ClusterSourceConverter implements Converter<ClusterSource> {
    @Override
    public ClusterSource convert(String value) {
      return choice(ClusterSource.class, value, "cluster source");
    }
  }

  /** {@code None} or {@code ClientIP}, exactly as the Service API spells them. */
  public static final class SessionAffinityConverter implements Converter<SessionAffinityType> {
    @Override
    public SessionAffinityType convert(String value) {
      return SessionAffinityType.parse(value.trim())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "'" + value.trim() + "' is not a sessionAffinity; use None or ClientIP"));
    }
  }

  public static final class AffinityTimeoutConverter implements Converter<Integer> {
    @Override
    public Integer convert(String value) {
      int seconds;
      try {
        seconds = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'" + value.trim() + "' is not a whole number of seconds (1-86400)");
      }
      if (seconds < 1 || seconds > SessionAffinityType.MAX_TIMEOUT_SECONDS) {
        throw new IllegalArgumentException(seconds + " is outside 1-86400 seconds");
      }
      return seconds;
    }
  }

  /** A comma-separated list of CIDRs, parsed strictly. */
  public static final class CidrListConverter implements Converter<CidrList> {
    @Override
    public CidrList convert(String value) {
      return CidrList.parse(Arrays.asList(value.split(",")));
    }
  }

  public static final class MemoryBudgetConverter implements Converter<MemoryBudgetSize> {
    @Override
    public MemoryBudgetSize convert(String value) {
      return MemoryBudgetSize.parse(value);
    }
  }
}
