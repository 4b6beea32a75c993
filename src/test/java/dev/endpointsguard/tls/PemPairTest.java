package dev.endpointsguard.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every key encoding cert-manager and openssl write is read, and a key that does not belong to the
 * certificate is refused. Keys and certificates are made with openssl, as in the cluster.
 */
class PemPairTest {

  @TempDir Path dir;

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("openssl %s: %s", command, output).isZero();
  }

  /** A self-signed certificate for {@code key.pem}, written as {@code cert.pem}. */
  private byte[] certificateFor(String key) throws Exception {
    openssl(
        "req", "-x509", "-new", "-key", key, "-subj", "/CN=test", "-days", "2", "-out", "cert.pem");
    return Files.readAllBytes(dir.resolve("cert.pem"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          PKCS#8 RSA                    | genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem                 | RSA
          PKCS#1 RSA (BEGIN RSA ...)     | genrsa -traditional -out key.pem 2048                                             | RSA
          PKCS#8 EC                     | genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem               | EC
          SEC1 EC with EC PARAMETERS    | ecparam -name prime256v1 -genkey -out key.pem                                     | EC
          PKCS#8 Ed25519                | genpkey -algorithm ED25519 -out key.pem                                           | EdDSA
          """)
  void readsEveryKeyEncoding(String what, String generate, String algorithm) throws Exception {
    openssl(generate.trim().split(" +"));
    byte[] key = Files.readAllBytes(dir.resolve("key.pem"));
    byte[] cert = certificateFor("key.pem");

    PemPair pair = PemPair.parse(cert, key);

    assertThat(pair.key().getAlgorithm()).isEqualTo(algorithm);
    assertThat(pair.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=test");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          RSA key of another RSA certificate | RSA | RSA
          EC key of another EC certificate   | EC  | EC
          EC key of an RSA certificate       | RSA | EC
          RSA key of an EC certificate       | EC  | RSA
          """)
  void aKeyOfAnotherCertificateIsRefused(String what, String certified, String served)
      throws Exception {
    generate(certified, "a.pem");
    generate(served, "b.pem");
    byte[] certOfA = certificateFor("a.pem");
    byte[] keyOfB = Files.readAllBytes(dir.resolve("b.pem"));

    assertThatThrownBy(() -> PemPair.parse(certOfA, keyOfB))
        .isInstanceOf(PemPair.InvalidPairException.class)
        .hasMessageContaining("does not match the certificate");
  }

  @Test
  void anRsaKeyWithDamagedFactorsIsRefused() throws Exception {
    generate("RSA", "key.pem");
    byte[] cert = certificateFor("key.pem");
    RSAPrivateCrtKey good =
        (RSAPrivateCrtKey) PemPair.parse(cert, Files.readAllBytes(dir.resolve("key.pem"))).key();
    // The modulus and the public exponent still match the certificate; the exponent for p does not.
    RSAPrivateCrtKey damaged =
        (RSAPrivateCrtKey)
            KeyFactory.getInstance("RSA")
                .generatePrivate(
                    new RSAPrivateCrtKeySpec(
                        good.getModulus(),
                        good.getPublicExponent(),
                        good.getPrivateExponent(),
                        good.getPrimeP(),
                        good.getPrimeQ(),
                        good.getPrimeExponentP().add(BigInteger.TWO),
                        good.getPrimeExponentQ(),
                        good.getCrtCoefficient()));
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(damaged.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    assertThatThrownBy(() -> PemPair.parse(cert, pem.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(PemPair.InvalidPairException.class)
        .hasMessage("the private key is damaged: its RSA factors do not agree");
  }

  private void generate(String algorithm, String file) throws Exception {
    if (algorithm.equals("RSA")) {
      openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file);
    } else {
      openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
    }
  }

  @Test
  void unreadableTextIsRefusedWithAReason() throws Exception {
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
    byte[] key = Files.readAllBytes(dir.resolve("key.pem"));
    byte[] cert = certificateFor("key.pem");

    assertThatThrownBy(() -> PemPair.parse("not a certificate".getBytes(), key))
        .isInstanceOf(PemPair.InvalidPairException.class)
        .hasMessageStartingWith("unreadable PEM");
    assertThatThrownBy(() -> PemPair.parse(cert, cert))
        .isInstanceOf(PemPair.InvalidPairException.class)
        .hasMessage("unreadable PEM: no private key found");
    assertThatThrownBy(() -> PemPair.parse(cert, "".getBytes()))
        .isInstanceOf(PemPair.InvalidPairException.class)
        .hasMessage("unreadable PEM: no private key found");
  }
}
