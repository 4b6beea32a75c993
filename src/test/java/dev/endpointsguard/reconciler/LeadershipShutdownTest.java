package dev.endpointsguard.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.endpointsguard.testing.SilentApiServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while the API server does not answer (a network partition, an overloaded control plane):
 * giving the Lease up must not hold the shutdown for as long as the client waits for an answer.
 */
class LeadershipShutdownTest {

  private final SilentApiServer apiServer = new SilentApiServer();

  LeadershipShutdownTest() throws IOException {}

  @AfterEach
  void stop() throws IOException {
    apiServer.close();
  }

  @Test
  void closeReturnsWhileTheLeaseRequestIsStillWaiting() {
    Leadership leadership =
        new Leadership(
            apiServer.client(),
            "endpoints-guard",
            "replica-a",
            ReconcilerTiming.DEFAULTS.withLease(
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    leadership.start(() -> {});
    await("the elector's first Lease request is in flight").until(apiServer::asked);

    assertTimeoutPreemptively(Duration.ofSeconds(10), leadership::close);
    assertThat(leadership.leading()).isFalse();
  }
}
