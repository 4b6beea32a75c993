package dev.endpointsguard.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.KeyStoreHelper;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;

/**
 * A certificate chain and the private key that belongs to its leaf, checked to match before anyone
 * serves it.
 */
record PemPair(X509Certificate[] chain, PrivateKey key) {

  X509Certificate leaf() {
    return chain[0];
  }

  /**
   * Parses PEM text of a certificate chain and a key (PKCS#8, PKCS#1 RSA or SEC1 EC, as
   * cert-manager and openssl write them) and proves the key belongs to the leaf by signing a nonce
   * with it.
   */
  static PemPair parse(byte[] certPem, byte[] keyPem) throws InvalidPairException {
    KeyStore store;
    try {
      store =
          new PemKeyCertOptions()
              .setCertValue(Buffer.buffer(certPem))
              .setKeyValue(Buffer.buffer(keyPem))
              .loadKeyStore(null);
    } catch (Exception e) {
      throw new InvalidPairException("unreadable PEM: " + describe(e));
    }
    PemPair pair = entryOf(store);
    pair.checkKeyMatchesCertificate();
    return pair;
  }

  private static PemPair entryOf(KeyStore store) throws InvalidPairException {
    try {
      for (String alias : Collections.list(store.aliases())) {
        Key key = store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
        Certificate[] chain = store.getCertificateChain(alias);
        if (key instanceof PrivateKey privateKey && chain != null && chain.length > 0) {
          return new PemPair(
              Arrays.copyOf(chain, chain.length, X509Certificate[].class), privateKey);
        }
      }
    } catch (GeneralSecurityException | ArrayStoreException e) {
      throw new InvalidPairException("unreadable PEM: " + describe(e));
    }
    throw new InvalidPairException("no certificate and private key found");
  }

  private void checkKeyMatchesCertificate() throws InvalidPairException {
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    try {
      String algorithm = signatureAlgorithm(key.getAlgorithm());
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf().getPublicKey());
      verifier.update(nonce);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      throw new InvalidPairException(
          "the private key does not match the certificate (" + describe(e) + ")");
    }
    throw new InvalidPairException("the private key does not match the certificate");
  }

  private static String signatureAlgorithm(String keyAlgorithm) throws InvalidPairException {
    return switch (keyAlgorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> throw new InvalidPairException("unsupported key algorithm " + keyAlgorithm);
    };
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Why a pair on disk cannot be served; the message is what the log shows. */
  static final class InvalidPairException extends Exception {
    InvalidPairException(String message) {
      super(message, null, false, false);
    }
  }
}
