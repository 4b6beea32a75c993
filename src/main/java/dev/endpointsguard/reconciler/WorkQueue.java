package dev.endpointsguard.reconciler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client-go style work queue of {@code namespace/name} keys: a key waits at most once however
 * often it is added, a key is never handed to two workers at once (added while being processed, it
 * is queued again when done), and failed keys come back after a per-key exponential backoff.
 */
final class WorkQueue {

  private final Deque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private boolean shutDown;

  WorkQueue(ScheduledExecutorService timer, Duration baseDelay, Duration maxDelay) {
    this.timer = timer;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  synchronized void add(String key) {
    if (shutDown || !dirty.add(key)) {
      return;
    }
    if (!processing.contains(key)) {
      queue.addLast(key);
      notify();
    }
  }

  void addAfter(String key, Duration delay) {
    timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Queues the key again after its next backoff step: 1×, 2×, 4× … the base delay, capped. */
  void retry(String key) {
    int n = failures.merge(key, 1, Integer::sum);
    long millis = baseDelay.toMillis() << Math.min(n - 1, 30);
    addAfter(
        key,
        Duration.ofMillis(Math.min(millis <= 0 ? Long.MAX_VALUE : millis, maxDelay.toMillis())));
  }

  /** Resets the key's backoff after a success. */
  void forget(String key) {
    failures.remove(key);
  }

  int failures(String key) {
    return failures.getOrDefault(key, 0);
  }

  /**
   * The next key, waiting for one; null once shut down. The caller must call {@link #done} with it.
   */
  synchronized String take() throws InterruptedException {
    while (queue.isEmpty() && !shutDown) {
      wait();
    }
    if (shutDown) {
      return null;
    }
    String key = queue.pollFirst();
    dirty.remove(key);
    processing.add(key);
    return key;
  }

  synchronized void done(String key) {
    processing.remove(key);
    if (dirty.contains(key)) {
      queue.addLast(key);
      notify();
    }
  }

  /** Keys waiting or being worked on: zero means the loop is idle. */
  synchronized int pending() {
    return dirty.size() + processing.size();
  }

  synchronized void shutDown() {
    shutDown = true;
    notifyAll();
  }
}
