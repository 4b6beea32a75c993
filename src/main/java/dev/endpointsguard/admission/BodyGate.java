package dev.endpointsguard.admission;

import dev.endpointsguard.config.GuardConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Decides from the headers, before a body is buffered, whether it may be read: over 7 MiB is
 * refused with 413; a large body while the {@link MemoryBudget} is spent is refused with 429 and
 * {@code Retry-After}, so that a burst of huge reviews sheds load instead of exhausting the heap.
 * Both answer with the resource's JSON error body, {@link ErrorBody}.
 */
@ApplicationScoped
public class BodyGate {

  private static final Logger LOG = Logger.getLogger(BodyGate.class);

  private final MemoryBudget budget;
  private final Counter shed;

  public BodyGate(GuardConfig config, MeterRegistry registry) {
    this.budget =
        new MemoryBudget(
            config.admission().memoryBudget().resolve(Runtime.getRuntime().maxMemory()));
    this.shed =
        Counter.builder("endpoints_guard_admission_shed")
            .description(
                "Large admission requests refused with 429 because the memory budget was spent")
            .register(registry);
    LOG.debugf(
        "Large admission bodies may claim %d MiB of heap at once", this.budget.capacity() >> 20);
  }

  void install(@Observes Router router) {
    router.route().order(-100).handler(this::admit);
  }

  private void admit(RoutingContext ctx) {
    long length = contentLength(ctx);
    if (length > AdmissionRoutes.MAX_BODY_BYTES) {
      // the body is not read at all: closing is cheaper than draining a body of any declared size
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      refuse(ctx, 413, "body is larger than 7 MiB");
      return;
    }
    long cost = MemoryBudget.cost(length);
    if (!budget.tryReserve(cost)) {
      shed.increment();
      shedAfterDraining(ctx);
      return;
    }
    if (cost > 0) {
      // called once the response is sent, and also when the client goes away mid-body
      ctx.addEndHandler(done -> budget.release(cost));
    }
    ctx.next();
  }

  /**
   * Answers 429 once the body has been read and discarded: closing on a client that is still
   * sending makes its TCP stack reset the connection, and it would never read the answer. A body
   * without a length is drained up to the size limit only, then refused like an oversized one.
   */
  private static void shedAfterDraining(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long[] drained = {0};
    request.handler(
        chunk -> {
          drained[0] += chunk.length();
          if (drained[0] > AdmissionRoutes.MAX_BODY_BYTES && !ctx.response().ended()) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            refuse(ctx, 413, "body is larger than 7 MiB");
            if (request.version() != HttpVersion.HTTP_2) {
              request.connection().close(); // on HTTP/2 ending the response ends the stream alone
            }
          }
        });
    request.endHandler(
        done -> {
          if (!ctx.response().ended()) {
            ctx.response().putHeader("Retry-After", "1");
            refuse(ctx, 429, "too many large admission requests in flight; retry in a second");
          }
        });
    request.resume();
  }

  private static void refuse(RoutingContext ctx, int status, String error) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(Buffer.buffer(ErrorBody.json(error)));
  }

  /**
   * The declared length; -1 (unknown) for a body without one (chunked, HTTP/2) and for a malformed
   * value, which Vert.x rejects itself; 0 for methods without a body.
   */
  static long contentLength(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      HttpMethod method = ctx.request().method();
      return HttpMethod.POST.equals(method)
              || HttpMethod.PUT.equals(method)
              || HttpMethod.PATCH.equals(method)
          ? -1
          : 0;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** For tests: the heap claimed by large bodies in flight. */
  long reserved() {
    return budget.reserved();
  }
}
