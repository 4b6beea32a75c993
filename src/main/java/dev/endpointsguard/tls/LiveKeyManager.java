package dev.endpointsguard.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Hands the TLS stack whatever pair is current at the moment of each handshake. The SSL context
 * built over it never changes, so a new pair takes effect without rebuilding anything in the HTTP
 * server.
 *
 * <p>A handshake picks an alias first and asks for that alias's chain and key later; each pair gets
 * its own alias and the last few stay resolvable, so a swap between those calls cannot hand out the
 * new chain with the old key.
 */
final class LiveKeyManager extends X509ExtendedKeyManager {

  private static final int KEPT = 4;

  private record Entry(String alias, PemPair pair) {}

  private volatile Entry current;
  private final Map<String, PemPair> recent =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PemPair> eldest) {
          return size() > KEPT;
        }
      };
  private long generation;

  synchronized void serve(PemPair pair) {
    String alias = "webhook-" + (++generation);
    recent.put(alias, pair);
    current = new Entry(alias, pair);
  }

  Optional<PemPair> current() {
    Entry entry = current;
    return entry == null ? Optional.empty() : Optional.of(entry.pair());
  }

  private String aliasFor(String keyType) {
    Entry entry = current;
    return entry != null && entry.pair().key().getAlgorithm().equals(keyType)
        ? entry.alias()
        : null;
  }

  private synchronized PemPair pair(String alias) {
    return alias == null ? null : recent.get(alias);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    PemPair pair = pair(alias);
    return pair == null ? null : pair.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    PemPair pair = pair(alias);
    return pair == null ? null : pair.key();
  }

  /** The server never presents a client certificate. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
