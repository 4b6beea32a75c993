package dev.endpointsguard.tls;

import io.vertx.core.net.impl.pkcs1.PrivateKeyParser;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
   * cert-manager and openssl write them) and proves the key belongs to the leaf (the same RSA
   * public half, or a nonce signed with it). Read directly with the JDK's factories: going through
   * a key store would encrypt and decrypt the key with 10,000 PBKDF2 rounds each way, a noticeable
   * part of start-up.
   */
  static PemPair parse(byte[] certPem, byte[] keyPem) throws InvalidPairException {
    PemPair pair = new PemPair(certificates(certPem), privateKey(keyPem));
    pair.checkKeyMatchesCertificate();
    return pair;
  }

  private static X509Certificate[] certificates(byte[] pem) throws InvalidPairException {
    try {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certificates.isEmpty()) {
        throw new InvalidPairException("unreadable PEM: no certificate found");
      }
      return certificates.toArray(new X509Certificate[0]);
    } catch (CertificateException | ArrayStoreException e) {
      throw new InvalidPairException("unreadable PEM: " + describe(e));
    }
  }

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  /** The first private key block; other blocks (e.g. {@code EC PARAMETERS}) are passed over. */
  private static PrivateKey privateKey(byte[] pem) throws InvalidPairException {
    Matcher block = PEM_BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (block.find()) {
      String type = block.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      try {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        return switch (type) {
          case "PRIVATE KEY" -> pkcs8(der);
          case "RSA PRIVATE KEY" ->
              KeyFactory.getInstance("RSA").generatePrivate(PrivateKeyParser.getRSAKeySpec(der));
          case "EC PRIVATE KEY" ->
              KeyFactory.getInstance("EC").generatePrivate(PrivateKeyParser.getECKeySpec(der));
          default -> throw new InvalidPairException("unreadable PEM: unsupported " + type);
        };
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new InvalidPairException("unreadable PEM: " + describe(e));
      }
    }
    throw new InvalidPairException("unreadable PEM: no private key found");
  }

  /** A PKCS#8 key of any algorithm the JDK reads (RSA, EC, Ed25519, Ed448). */
  private static PrivateKey pkcs8(byte[] der) throws InvalidPairException {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm
      }
    }
    throw new InvalidPairException("unreadable PEM: a PKCS#8 key of no supported algorithm");
  }

  private void checkKeyMatchesCertificate() throws InvalidPairException {
    // An RSA key in CRT form (what PKCS#8 and PKCS#1 files hold) carries its public half and the
    // factors that signing uses: checking them against each other is exact and needs only small
    // arithmetic, where a 2048-bit signature in a JVM that has not compiled BigInteger yet costs
    // about a tenth of start-up.
    if (key instanceof RSAPrivateCrtKey rsa && leaf().getPublicKey() instanceof RSAPublicKey pub) {
      if (!rsa.getModulus().equals(pub.getModulus())
          || !rsa.getPublicExponent().equals(pub.getPublicExponent())) {
        throw new InvalidPairException("the private key does not match the certificate");
      }
      if (!consistent(rsa)) {
        throw new InvalidPairException("the private key is damaged: its RSA factors do not agree");
      }
      return;
    }
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

  /**
   * Whether the factors and exponents a CRT signature uses agree with the modulus and the public
   * exponent: then a signature made with them verifies with the public key.
   */
  private static boolean consistent(RSAPrivateCrtKey key) {
    BigInteger p = key.getPrimeP();
    BigInteger q = key.getPrimeQ();
    BigInteger e = key.getPublicExponent();
    return p.compareTo(BigInteger.ONE) > 0
        && q.compareTo(BigInteger.ONE) > 0
        && p.multiply(q).equals(key.getModulus())
        && e.multiply(key.getPrimeExponentP())
            .mod(p.subtract(BigInteger.ONE))
            .equals(BigInteger.ONE)
        && e.multiply(key.getPrimeExponentQ())
            .mod(q.subtract(BigInteger.ONE))
            .equals(BigInteger.ONE)
        && q.multiply(key.getCrtCoefficient()).mod(p).equals(BigInteger.ONE);
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
