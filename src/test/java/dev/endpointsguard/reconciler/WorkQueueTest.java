package dev.endpointsguard.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The work queue on its own: de-duplication, one worker per key, re-queue of a key that changed
 * while being worked on, backoff, and shutdown.
 */
class WorkQueueTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<Thread> threads = new ArrayList<>();

  @AfterEach
  void stop() {
    timer.shutdownNow();
    threads.forEach(Thread::interrupt);
  }

  private WorkQueue queue() {
    return new WorkQueue(timer, Duration.ofMillis(10), Duration.ofMillis(100));
  }

  /** take() on another thread, so that a test can see whether it returns. */
  private CompletableFuture<String> takeAsync(WorkQueue queue) {
    CompletableFuture<String> taken = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                taken.complete(queue.take());
              } catch (InterruptedException e) {
                taken.completeExceptionally(e);
              }
            });
    threads.add(thread);
    thread.start();
    return taken;
  }

  @Test
  void aKeyAddedTwiceWaitsOnce() throws InterruptedException {
    WorkQueue queue = queue();
    queue.add("ns/a");
    queue.add("ns/a");
    queue.add("ns/b");

    assertThat(queue.pending()).isEqualTo(2);
    assertThat(queue.take()).isEqualTo("ns/a");
    assertThat(queue.take()).isEqualTo("ns/b");
    queue.done("ns/a");
    queue.done("ns/b");
    assertThat(queue.pending()).isZero();
  }

  @Test
  void aKeyIsNotHandedToASecondWorkerWhileTheFirstHasIt() throws InterruptedException {
    WorkQueue queue = queue();
    queue.add("ns/a");
    assertThat(queue.take()).isEqualTo("ns/a");

    queue.add("ns/a"); // changed while being worked on
    CompletableFuture<String> second = takeAsync(queue);
    queue.add("ns/b");

    // the waiting worker gets the other key, not the one in progress
    assertThat(second).succeedsWithin(WAIT).isEqualTo("ns/b");
    queue.done("ns/b");

    queue.done("ns/a");
    assertThat(queue.take()).isEqualTo("ns/a");
  }

  @Test
  void aKeyChangedWhileBeingWorkedOnIsProcessedAgainAfter() throws InterruptedException {
    WorkQueue queue = queue();
    queue.add("ns/a");
    assertThat(queue.take()).isEqualTo("ns/a");
    queue.add("ns/a");

    CompletableFuture<String> next = takeAsync(queue);
    assertThat(next).isNotDone();
    queue.done("ns/a");

    assertThat(next).succeedsWithin(WAIT).isEqualTo("ns/a");
    queue.done("ns/a");
    assertThat(queue.pending()).isZero();
  }

  @Test
  void aKeyNotChangedWhileBeingWorkedOnIsNotProcessedAgain() throws InterruptedException {
    WorkQueue queue = queue();
    queue.add("ns/a");
    assertThat(queue.take()).isEqualTo("ns/a");
    queue.done("ns/a");

    assertThat(queue.pending()).isZero();
    queue.add("ns/b");
    assertThat(queue.take()).isEqualTo("ns/b");
  }

  @Test
  void workersNeverHoldTheSameKeyAtOnce() throws InterruptedException {
    WorkQueue queue = queue();
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicInteger processed = new AtomicInteger();
    int rounds = 200;
    for (int i = 0; i < 4; i++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (String key = queue.take(); key != null; key = queue.take()) {
                    mostAtOnce.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    Thread.yield();
                    holding.decrementAndGet();
                    processed.incrementAndGet();
                    queue.done(key);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      threads.add(worker);
      worker.start();
    }
    for (int i = 0; i < rounds; i++) {
      queue.add("ns/a");
    }

    await().atMost(WAIT).until(() -> queue.pending() == 0);
    assertThat(processed.get()).isBetween(1, rounds);
    assertThat(mostAtOnce.get()).isEqualTo(1);
    queue.shutDown();
  }

  @Test
  void backoffDoublesFromTheBaseAndStopsAtTheMaximum() {
    RecordingTimer recording = new RecordingTimer();
    try {
      WorkQueue queue = new WorkQueue(recording, Duration.ofMillis(10), Duration.ofMillis(100));
      for (int i = 0; i < 40; i++) {
        queue.retry("ns/a");
      }

      assertThat(recording.delays.subList(0, 6)).containsExactly(10L, 20L, 40L, 80L, 100L, 100L);
      assertThat(recording.delays).hasSize(40).allSatisfy(d -> assertThat(d).isBetween(10L, 100L));
      assertThat(queue.failures("ns/a")).isEqualTo(40);
    } finally {
      recording.shutdownNow();
    }
  }

  @Test
  void backoffIsPerKeyAndForgetStartsItAgain() {
    RecordingTimer recording = new RecordingTimer();
    try {
      WorkQueue queue = new WorkQueue(recording, Duration.ofMillis(10), Duration.ofMillis(100));
      queue.retry("ns/a");
      queue.retry("ns/a");
      queue.retry("ns/b");
      queue.forget("ns/a");
      queue.retry("ns/a");

      assertThat(recording.delays).containsExactly(10L, 20L, 10L, 10L);
      assertThat(queue.failures("ns/a")).isEqualTo(1);
      assertThat(queue.failures("ns/b")).isEqualTo(1);
    } finally {
      recording.shutdownNow();
    }
  }

  @Test
  void aRetriedKeyComesBackAfterItsDelay() {
    WorkQueue queue = queue();
    queue.retry("ns/a");

    await().atMost(WAIT).until(() -> queue.pending() == 1);
    assertThat(takeAsync(queue)).succeedsWithin(WAIT).isEqualTo("ns/a");
  }

  @Test
  void shutDownEndsWaitingWorkersAndNothingRunsAfter() throws InterruptedException {
    WorkQueue queue = queue();
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (String key = queue.take(); key != null; key = queue.take()) {
                    ran.add(key);
                    queue.done(key);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                ended.countDown();
              });
      threads.add(worker);
      worker.start();
    }

    queue.shutDown();
    assertThat(ended.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    queue.add("ns/late");
    assertThat(queue.take()).isNull();
    assertThat(queue.pending()).isZero();
    assertThat(ran).isEmpty();
  }

  @Test
  void shutDownDropsKeysStillWaiting() throws InterruptedException {
    WorkQueue queue = queue();
    queue.add("ns/a");
    queue.shutDown();

    assertThat(queue.take()).isNull();
  }

  /** Records the delays asked for and runs nothing. */
  private static final class RecordingTimer extends ScheduledThreadPoolExecutor {
    final List<Long> delays = new CopyOnWriteArrayList<>();

    RecordingTimer() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      delays.add(unit.toMillis(delay));
      return null;
    }
  }
}
