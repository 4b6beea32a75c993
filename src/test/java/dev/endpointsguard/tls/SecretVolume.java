package dev.endpointsguard.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A directory laid out the way the kubelet mounts a Secret: {@code tls.crt} and {@code tls.key}
 * link into {@code ..data}, itself a link to a timestamped directory. An update writes a new
 * directory and renames a new link over {@code ..data}, so readers see either the whole old pair or
 * the whole new one.
 */
final class SecretVolume {

  private static final AtomicInteger GENERATION = new AtomicInteger();

  final Path dir;

  SecretVolume(Path dir) {
    this.dir = dir;
  }

  Path certFile() {
    return dir.resolve("tls.crt");
  }

  Path keyFile() {
    return dir.resolve("tls.key");
  }

  /** Publishes {@code cert} and {@code key} as the volume's content in one atomic step. */
  synchronized void publish(Path cert, Path key) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    String name = "..2026_" + System.nanoTime() + "_" + GENERATION.incrementAndGet();
    Path fresh = Files.createDirectory(dir.resolve(name));
    Files.copy(cert, fresh.resolve("tls.crt"));
    Files.copy(key, fresh.resolve("tls.key"));
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String file : new String[] {"tls.crt", "tls.key"}) {
      if (!Files.isSymbolicLink(dir.resolve(file))) {
        Files.deleteIfExists(dir.resolve(file));
        Files.createSymbolicLink(dir.resolve(file), Path.of("..data", file));
      }
    }
    if (old != null && !old.getFileName().toString().equals(name)) {
      deleteTree(old);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
