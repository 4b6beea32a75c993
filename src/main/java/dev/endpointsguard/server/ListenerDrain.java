package dev.endpointsguard.server;

import io.netty.channel.Channel;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Closes the HTTPS listening socket shortly before the shutdown delay ends, and only the listening
 * socket.
 *
 * <p>When the delay ends, Quarkus waits for the requests it is already handling and then closes the
 * server together with every connection. A connection accepted in between (its request not read
 * yet) was closed without a response. Stopping the accepts {@link #LEAD} earlier (at most half the
 * delay) gives every accepted connection time to deliver its request, which is then counted as in
 * flight and answered (with {@code Connection: close}, as all responses after SIGTERM are). Later
 * connection attempts are refused, which a client sees before sending anything
 * (docs/operations.md).
 *
 * <p>Vert.x 4 has no call that closes the listener alone, so the bound channel is read from the
 * server reflectively; if that fails the drain is skipped and shutdown proceeds as Quarkus does it.
 */
@ApplicationScoped
public class ListenerDrain {

  /**
   * Time for connections accepted just before the listener closes to deliver their request, even on
   * a busy CPU.
   */
  static final Duration LEAD = Duration.ofSeconds(1);

  private static final Logger LOG = Logger.getLogger(ListenerDrain.class);

  private final Vertx vertx;
  private final Optional<Duration> delay;

  public ListenerDrain(
      Vertx vertx, @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay) {
    this.vertx = vertx;
    this.delay = delay;
  }

  void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
    Duration total = delay.orElse(Duration.ZERO);
    if (total.isZero()) {
      return;
    }
    Duration lead = total.dividedBy(2).compareTo(LEAD) < 0 ? total.dividedBy(2) : LEAD;
    Duration wait = total.minus(lead);
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(wait.toMillis());
                stopAccepting();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "https-listener-drain");
    stopper.setDaemon(true);
    stopper.start();
  }

  private void stopAccepting() {
    for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
      try {
        NetServerOptions options = (NetServerOptions) field("options").get(server);
        @SuppressWarnings("unchecked")
        Future<Channel> bound = (Future<Channel>) field("bindFuture").get(server);
        if (options.isSsl() && bound != null && bound.succeeded()) {
          bound.result().close().syncUninterruptibly();
          LOG.infof(
              "Stopped accepting connections on port %d; open connections are answered until shutdown",
              server.actualPort());
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warnf(
            "Cannot close the listening socket ahead of shutdown (%s); it closes with the server",
            e);
      }
    }
  }

  private static Field field(String name) throws NoSuchFieldException {
    Field f = TCPServerBase.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
