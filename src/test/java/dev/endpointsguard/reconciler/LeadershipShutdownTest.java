package dev.endpointsguard.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while the API server does not answer (a network partition, an overloaded control plane):
 * giving the Lease up must not hold the shutdown for as long as the client waits for an answer.
 */
class LeadershipShutdownTest {

  /** Accepts connections and never answers, so every request waits for the client's timeout. */
  private final ServerSocket silentApiServer;

  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final KubernetesClient client;

  LeadershipShutdownTest() throws IOException {
    silentApiServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(silentApiServer.accept());
                }
              } catch (IOException closed) {
                // the test is over
              }
            },
            "silent-api-server");
    acceptor.setDaemon(true);
    acceptor.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + silentApiServer.getLocalPort())
                    .withRequestTimeout(60_000)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    silentApiServer.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  @Test
  void closeReturnsWhileTheLeaseRequestIsStillWaiting() {
    Leadership leadership =
        new Leadership(
            client,
            "endpoints-guard",
            "replica-a",
            ReconcilerTiming.DEFAULTS.withLease(
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    leadership.start(() -> {});
    await("the elector's first Lease request is in flight").until(() -> !accepted.isEmpty());

    assertTimeoutPreemptively(Duration.ofSeconds(10), leadership::close);
    assertThat(leadership.leading()).isFalse();
  }
}
