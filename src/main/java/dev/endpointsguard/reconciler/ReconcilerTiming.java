package dev.endpointsguard.reconciler;

import java.time.Duration;

/**
 * The loop's and the leader election's pacing. Production uses {@link #DEFAULTS}; tests shorten the
 * lease so that a takeover is observable in seconds.
 */
public record ReconcilerTiming(
    int workers,
    Duration resync,
    Duration retryBase,
    Duration retryMax,
    Duration staleRecheck,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  /** Two workers: the reconciler shares the pod's CPU with admission, which must stay fast. */
  public static final ReconcilerTiming DEFAULTS =
      new ReconcilerTiming(
          2,
          Duration.ofMinutes(5),
          Duration.ofMillis(50),
          Duration.ofMinutes(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));

  public ReconcilerTiming withResync(Duration value) {
    return new ReconcilerTiming(
        workers,
        value,
        retryBase,
        retryMax,
        staleRecheck,
        leaseDuration,
        renewDeadline,
        retryPeriod);
  }

  public ReconcilerTiming withLease(Duration duration, Duration renew, Duration retry) {
    return new ReconcilerTiming(
        workers, resync, retryBase, retryMax, staleRecheck, duration, renew, retry);
  }
}
