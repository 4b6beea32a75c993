// The floor for the admission benchmark: only the work no admission webhook can avoid. HTTPS with the same PEM
// pair, the body read whole and parsed into a Jackson tree, a fixed allowed AdmissionReview echoing request.uid.
// Run by bench/floor-compare.sh with the packaged application's libraries on the class path (Java source launch):
//   java -cp 'target/quarkus-app/lib/main/*' bench/floor/FloorServer.java PORT CERT KEY
// Listens on 127.0.0.1 only.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

public class FloorServer {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    ObjectMapper mapper = new ObjectMapper();
    Vertx vertx = Vertx.vertx();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[1]).setKeyPath(args[2]));
    vertx
        .createHttpServer(options)
        .requestHandler(
            request ->
                request.body(
                    body -> {
                      try {
                        JsonNode review = mapper.readTree(body.result().getBytes());
                        String uid = review.path("request").path("uid").asText();
                        request
                            .response()
                            .putHeader("Content-Type", "application/json")
                            .end(
                                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                                    + "\"response\":{\"uid\":\""
                                    + uid
                                    + "\",\"allowed\":true}}");
                      } catch (Exception e) {
                        request.response().setStatusCode(400).end("{\"error\":\"not JSON\"}");
                      }
                    }))
        .listen()
        .onSuccess(s -> System.out.println("floor listening on " + s.actualPort()))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }
}
