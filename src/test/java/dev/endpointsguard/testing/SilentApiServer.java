package dev.endpointsguard.testing;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An API server that accepts connections and never answers (a partition, an overloaded control
 * plane): every request waits for the client's timeout.
 */
public final class SilentApiServer implements AutoCloseable {

  private final ServerSocket socket;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final KubernetesClient client;

  public SilentApiServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(socket.accept());
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
                    .withMasterUrl("http://127.0.0.1:" + socket.getLocalPort())
                    .withRequestTimeout(60_000)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  /** A client of this server. */
  public KubernetesClient client() {
    return client;
  }

  /** Whether a request has come in (and waits). */
  public boolean asked() {
    return !accepted.isEmpty();
  }

  @Override
  public void close() throws IOException {
    client.close();
    socket.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
