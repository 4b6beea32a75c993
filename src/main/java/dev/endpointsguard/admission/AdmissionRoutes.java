package dev.endpointsguard.admission;

import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * The admission endpoints (docs/contract.md#admission-endpoints) as plain Vert.x routes: no JAX-RS
 * layer and no thread hand-off on the common path. A small body is answered on the event loop that
 * read it (the rules read only memory); a large body, and a denial that must be confirmed with the
 * API server ({@link DenialConfirmation}), go to a worker thread. Every malformed request gets a
 * JSON error of our own (400/413/415, {@link ErrorBody}).
 */
@ApplicationScoped
public class AdmissionRoutes {

  /**
   * 7 MiB: larger than any object etcd stores (1.5 MiB by default), small enough to bound memory.
   */
  public static final int MAX_BODY_BYTES = 7 * 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(AdmissionRoutes.class);

  private final AdmissionHandler handler;
  private final Webhooks webhooks;
  private final Vertx vertx;

  public AdmissionRoutes(AdmissionHandler handler, Webhooks webhooks, Vertx vertx) {
    this.handler = handler;
    this.webhooks = webhooks;
    this.vertx = vertx;
  }

  void install(@Observes Router router) {
    for (Webhook<?> webhook : webhooks.all()) {
      router.post(webhook.path()).handler(ctx -> receive(ctx, webhook));
      router
          .route(webhook.path())
          .handler(
              ctx -> {
                ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
                respond(ctx, 405, ErrorBody.json("send an AdmissionReview with POST"));
              });
    }
  }

  /** Reads the body, bounded by {@link #MAX_BODY_BYTES} whether or not a length was declared. */
  private void receive(RoutingContext ctx, Webhook<?> webhook) {
    HttpServerRequest request = ctx.request();
    long declared = BodyGate.contentLength(ctx);
    Body body = new Body(declared > 0 && declared <= MAX_BODY_BYTES ? (int) declared : 4096);
    boolean[] cutOff = {false};
    request.handler(
        chunk -> {
          if (cutOff[0]) {
            return;
          }
          if (body.length + chunk.length() > MAX_BODY_BYTES) {
            cutOff[0] = true;
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            respond(ctx, 413, ErrorBody.json("body is larger than 7 MiB"));
            if (request.version() != HttpVersion.HTTP_2) {
              request.connection().close(); // stop reading; HTTP/2 ends just the stream
            }
            return;
          }
          body.append(chunk);
        });
    // a client gone mid-body: nothing to answer; BodyGate's end handler gives the budget back
    request.exceptionHandler(
        e -> LOG.debugf(e, "Admission request on %s broke off", webhook.path()));
    request.endHandler(
        done -> {
          if (!cutOff[0]) {
            answer(ctx, webhook, request.getHeader(HttpHeaders.CONTENT_TYPE), body.bytes());
          }
        });
    request.resume();
  }

  /**
   * The body read so far, in a plain array sized by {@code Content-Length}: a Vert.x buffer would
   * come from Netty's instrumented allocator, whose shared counters every event loop updates.
   */
  private static final class Body {
    private byte[] bytes;
    private int length;

    Body(int capacity) {
      bytes = new byte[capacity];
    }

    void append(Buffer chunk) {
      int size = chunk.length();
      if (length + size > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(length + size, 2 * bytes.length));
      }
      chunk.getBytes(0, size, bytes, length);
      length += size;
    }

    byte[] bytes() {
      return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
  }

  private void answer(RoutingContext ctx, Webhook<?> webhook, String contentType, byte[] body) {
    if (!isJson(contentType)) {
      respond(
          ctx,
          415,
          ErrorBody.json(
              "Content-Type must be application/json, not '"
                  + (contentType == null ? "" : contentType)
                  + "'"));
    } else if (body.length == 0) {
      respond(ctx, 400, ErrorBody.json("body is empty; send an AdmissionReview"));
    } else if (body.length >= MemoryBudget.LARGE_BODY_BYTES) {
      onWorker(ctx, webhook, body); // decoding megabytes would hold up every connection of the loop
    } else {
      try {
        respond(ctx, 200, handler.handle(webhook, body));
      } catch (AdmissionHandler.NeedsWorkerThread e) {
        onWorker(ctx, webhook, body);
      } catch (BadRequestException e) {
        respond(ctx, e.status(), ErrorBody.json(e.getMessage()));
      } catch (RuntimeException e) {
        unreadable(ctx, webhook, e);
      }
    }
  }

  private void onWorker(RoutingContext ctx, Webhook<?> webhook, byte[] body) {
    vertx
        .<byte[]>executeBlocking(() -> handler.handle(webhook, body), false)
        .onSuccess(answer -> respond(ctx, 200, answer))
        .onFailure(
            e -> {
              if (e instanceof BadRequestException bad) {
                respond(ctx, bad.status(), ErrorBody.json(bad.getMessage()));
              } else {
                unreadable(ctx, webhook, e);
              }
            });
  }

  /**
   * Only reachable before a review could be decoded: the handler answers every later failure as a
   * review.
   */
  private static void unreadable(RoutingContext ctx, Webhook<?> webhook, Throwable e) {
    LOG.warnf(e, "Unreadable admission request on %s", webhook.path());
    respond(ctx, 400, ErrorBody.json("request could not be read: " + e.getClass().getSimpleName()));
  }

  private static void respond(RoutingContext ctx, int status, byte[] json) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(Buffer.buffer(Unpooled.wrappedBuffer(json)));
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    if (contentType.equals("application/json")) {
      return true; // what the API server sends
    }
    String type = contentType.split(";", 2)[0].trim();
    int slash = type.indexOf('/');
    return slash > 0
        && "application".equalsIgnoreCase(type.substring(0, slash).trim())
        && "json".equalsIgnoreCase(type.substring(slash + 1).trim());
  }
}
