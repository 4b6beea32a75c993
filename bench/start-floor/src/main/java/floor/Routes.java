package floor;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** One route, installed the way endpoints-guard installs its webhooks; nothing else of its own. */
@ApplicationScoped
public class Routes {
  void install(@Observes Router router) {
    router.post("/validate/endpoints").handler(request -> request.response().end("{}"));
  }
}
