package dev.endpointsguard.admission;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Rejects oversized admission bodies from their Content-Length before they are buffered, with the same JSON error
 * the resource writes. Bodies without a length are bounded by {@code quarkus.http.limits.max-body-size}.
 */
@ApplicationScoped
public class BodyLimitFilter {

    void install(@Observes Router router) {
        router.route().order(-100).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && isTooLarge(length)) {
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end("{\"error\":\"body is larger than 7 MiB\"}");
                return;
            }
            ctx.next();
        });
    }

    private static boolean isTooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > AdmissionResource.MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
