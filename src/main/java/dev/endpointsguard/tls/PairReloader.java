package dev.endpointsguard.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Re-reads the mounted PEM pair every period and hands it to the key manager only once it parses
 * and its key matches its certificate. Anything else (a missing file, half a rotation, a key of
 * another pair) leaves the previous pair in service, counts one failed reload and logs the reason
 * once per distinct content.
 */
final class PairReloader implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PairReloader.class);
  private static final int READ_ATTEMPTS = 3;

  private final Path certFile;
  private final Path keyFile;
  private final LiveKeyManager keyManager;
  private final Counter successes;
  private final Counter failures;
  private ScheduledExecutorService timer;

  /**
   * What the last attempt saw (a digest of the content, or the read error): unchanged files are not
   * parsed again.
   */
  private String lastSeen;

  PairReloader(Path certFile, Path keyFile, LiveKeyManager keyManager, MeterRegistry meters) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.keyManager = keyManager;
    this.successes = reloads(meters, "success");
    this.failures = reloads(meters, "failure");
  }

  private static Counter reloads(MeterRegistry meters, String result) {
    return Counter.builder("endpoints_guard_tls_reloads")
        .description(
            "Changes of the mounted TLS pair: success = now served, failure = refused, previous pair kept")
        .tag("result", result)
        .register(meters);
  }

  synchronized void start(Duration period) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tls-pair-reloader");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(100, period.toMillis());
    timer.scheduleWithFixedDelay(this::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warnf(e, "TLS pair reload failed unexpectedly; still serving the previous pair");
    }
  }

  /** One look at the files; called at start and then by the timer. */
  synchronized void reload() {
    byte[][] content;
    try {
      content = readBoth();
    } catch (IOException e) {
      refuse("io:" + e, "cannot read " + certFile + " / " + keyFile + ": " + e);
      return;
    }
    String digest = digest(content);
    if (digest.equals(lastSeen)) {
      return;
    }
    try {
      PemPair pair = PemPair.parse(content[0], content[1]);
      keyManager.serve(pair);
      lastSeen = digest;
      successes.increment();
      logServed(pair.leaf());
    } catch (PemPair.InvalidPairException e) {
      refuse(digest, e.getMessage() + " (" + certFile + ", " + keyFile + ")");
    }
  }

  /**
   * Reads the certificate, the key, then the certificate again: a rotation that lands between the
   * two files shows up as a changed certificate and is read again rather than reported as a bad
   * pair.
   */
  private byte[][] readBoth() throws IOException {
    byte[] cert = Files.readAllBytes(certFile);
    for (int attempt = 1; ; attempt++) {
      byte[] key = Files.readAllBytes(keyFile);
      byte[] again = Files.readAllBytes(certFile);
      if (Arrays.equals(cert, again) || attempt == READ_ATTEMPTS) {
        return new byte[][] {again, key};
      }
      cert = again;
    }
  }

  private void refuse(String seen, String reason) {
    if (seen.equals(lastSeen)) {
      return;
    }
    lastSeen = seen;
    failures.increment();
    if (keyManager.current().isPresent()) {
      LOG.warnf("TLS pair not reloaded, still serving the previous one: %s", reason);
    } else {
      LOG.warnf("No TLS pair to serve yet (HTTPS handshakes fail, readiness is DOWN): %s", reason);
    }
  }

  private static void logServed(X509Certificate cert) {
    Instant notAfter = cert.getNotAfter().toInstant();
    String subject = cert.getSubjectX500Principal().getName();
    String serial = cert.getSerialNumber().toString(16);
    if (notAfter.isBefore(Instant.now())) {
      LOG.warnf(
          "Serving certificate %s (serial %s) which EXPIRED at %s", subject, serial, notAfter);
    } else {
      LOG.infof("Serving certificate %s (serial %s), valid until %s", subject, serial, notAfter);
    }
  }

  private static String digest(byte[][] content) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(content[0]);
      sha.update((byte) 0);
      sha.update(content[1]);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
