package dev.endpointsguard.testing;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads what the mock API server was asked, to prove which code paths call it. */
public final class MockApiServer {

  private MockApiServer() {}

  /** Takes every request recorded so far (method and path), leaving the log empty. */
  public static List<String> drain(KubernetesServer server) throws InterruptedException {
    List<String> requests = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.getKubernetesMockServer().takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      requests.add(r.getMethod() + " " + r.getPath());
    }
    return requests;
  }
}
