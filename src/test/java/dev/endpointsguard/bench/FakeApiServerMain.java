package dev.endpointsguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A read-only fake of the Kubernetes API for the informer benchmark (bench/informer-memory.sh):
 * core/v1 Pods, Services, Endpoints and Namespaces from JSON {@code List} files, served as a real
 * API server serves informers: lists in pages ({@code limit} and {@code continue} are honoured,
 * which the fabric8 CRUD mock server does not do), then watches that stay open without events.
 * Prints {@code READY <url>} and runs until killed. Arguments: port, then JSON files of {@code
 * kind: List}. {@code -Dfake.ignoreLimit=true} answers every list in one page, as the fabric8 CRUD
 * mock server does.
 */
public final class FakeApiServerMain {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> KINDS =
      Map.of(
          "pods",
          "Pod",
          "services",
          "Service",
          "endpoints",
          "Endpoints",
          "namespaces",
          "Namespace",
          "nodes",
          "Node",
          "discovery.k8s.io/v1/endpointslices",
          "EndpointSlice");

  private FakeApiServerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, List<byte[]>> items = new HashMap<>();
    KINDS.keySet().forEach(plural -> items.put(plural, new ArrayList<>()));
    Set<String> namespaces = new LinkedHashSet<>();
    for (int i = 1; i < args.length; i++) {
      for (JsonNode item : JSON.readTree(Files.readAllBytes(Path.of(args[i]))).path("items")) {
        String plural =
            KINDS.entrySet().stream()
                .filter(e -> e.getValue().equals(item.path("kind").asText()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported kind in " + item));
        ObjectNode metadata = (ObjectNode) item.path("metadata");
        metadata.put("resourceVersion", "1").put("uid", UUID.randomUUID().toString());
        if (metadata.hasNonNull("namespace")) {
          namespaces.add(metadata.get("namespace").asText());
        }
        items.get(plural).add(JSON.writeValueAsBytes(item));
      }
    }
    for (String ns : namespaces) {
      items
          .get("namespaces")
          .add(
              ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                      + ns
                      + "\",\"resourceVersion\":\"1\",\"uid\":\""
                      + UUID.randomUUID()
                      + "\"}}")
                  .getBytes(StandardCharsets.UTF_8));
    }
    int port = Integer.parseInt(args[0]);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            serve(exchange, items);
          }
        });
    server.start();
    items.forEach((plural, list) -> System.out.printf("%s: %d%n", plural, list.size()));
    System.out.println("READY http://127.0.0.1:" + port);
    System.out.flush();
  }

  private static void serve(HttpExchange exchange, Map<String, List<byte[]>> items)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String plural =
        path.startsWith("/api/v1/")
            ? path.substring("/api/v1/".length())
            : path.startsWith("/apis/") ? path.substring("/apis/".length()) : "";
    List<byte[]> all = items.get(plural);
    if (!"GET".equals(exchange.getRequestMethod()) || all == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if ("true".equals(query.get("watch"))) {
      exchange.sendResponseHeaders(200, 0); // chunked; no events ever: the cluster does not change
      exchange.getResponseBody().flush();
      try {
        Thread.sleep(Long.parseLong(query.getOrDefault("timeoutSeconds", "600")) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    int from = Integer.parseInt(query.getOrDefault("continue", "0"));
    int limit =
        Boolean.getBoolean("fake.ignoreLimit")
            ? Integer.MAX_VALUE
            : Integer.parseInt(query.getOrDefault("limit", String.valueOf(Integer.MAX_VALUE)));
    int to = (int) Math.min(all.size(), (long) from + limit);
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(
          ("{\"apiVersion\":\""
                  + (plural.contains("/") ? plural.substring(0, plural.lastIndexOf('/')) : "v1")
                  + "\",\"kind\":\""
                  + KINDS.get(plural)
                  + "List\",\"metadata\":{\"resourceVersion\":\"1\""
                  + (to < all.size() ? ",\"continue\":\"" + to + "\"" : "")
                  + "},\"items\":[")
              .getBytes(StandardCharsets.UTF_8));
      for (int i = from; i < to; i++) {
        if (i > from) {
          out.write(',');
        }
        out.write(all.get(i));
      }
      out.write("]}".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(
            eq < 0 ? pair : pair.substring(0, eq),
            eq < 0
                ? ""
                : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }
}
