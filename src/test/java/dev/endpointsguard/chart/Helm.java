package dev.endpointsguard.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runs the real helm binary against the chart and caches rendered output per argument list. */
final class Helm {

  static final Path CHART = Path.of("helm", "endpoints-guard").toAbsolutePath();
  static final String RELEASE = "endpoints-guard";
  static final String NAMESPACE = "endpoints-guard";

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final Map<List<String>, Result> CACHE = new ConcurrentHashMap<>();

  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return String.join(" ", command) + "\nexit " + exitCode + "\nstderr:\n" + stderr;
    }
  }

  private Helm() {}

  static Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(HelmBinary.get().toString());
    command.addAll(args);
    try {
      Path home = Files.createDirectories(Path.of("target", "tools", "helm-home").toAbsolutePath());
      ProcessBuilder pb = new ProcessBuilder(command);
      // keep helm away from the user's config/cache and any real cluster
      pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
      pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
      pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
      pb.environment().put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
      Process p = pb.start();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("helm timed out: " + command);
      }
      return new Result(command, p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm template endpoints-guard <chart> -n endpoints-guard <extra>}, once per distinct
   * argument list.
   */
  static Result template(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
    args.addAll(List.of(extra));
    return CACHE.computeIfAbsent(List.copyOf(args), Helm::run);
  }

  /** Renders and parses; fails when helm fails. */
  static Manifests render(String... extra) {
    Result r = template(extra);
    if (r.exitCode() != 0) {
      throw new AssertionError("helm template failed:\n" + r.describe());
    }
    return Manifests.parse(r.stdout());
  }

  /** Splits multi-document YAML and unmarshals every non-empty document with the fabric8 model. */
  static List<HasMetadata> parseAll(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    StringBuilder doc = new StringBuilder();
    for (String line : (yaml + "\n---\n").split("\n", -1)) {
      if (line.matches("^---\\s*$")) {
        String text = doc.toString();
        if (text.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))) {
          Object o = SERIALIZATION.unmarshal(text);
          if (!(o instanceof HasMetadata hm)) {
            throw new AssertionError("rendered document is not a Kubernetes object:\n" + text);
          }
          out.add(hm);
        }
        doc.setLength(0);
      } else {
        doc.append(line).append('\n');
      }
    }
    return out;
  }
}
