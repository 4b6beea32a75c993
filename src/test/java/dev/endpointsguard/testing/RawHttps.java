package dev.endpointsguard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Sends raw bodies (huge or malformed) without a client library that might inspect them on the way.
 */
public final class RawHttps {

  private RawHttps() {}

  public static HttpResponse<String> post(URL base, String path, String contentType, byte[] body)
      throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(trustAll())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
            .header("Content-Type", contentType)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Streams up to 16 MiB of chunks without a length and answers the first 12 bytes the server sent
   * once it stopped reading ({@code HTTP/1.1 413}, say); fails when the server read it all.
   */
  public static String endlessChunkedPost(URL base, String path) throws Exception {
    try (SSLSocket endless =
        (SSLSocket) trustAll().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      OutputStream out = endless.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      byte[] size =
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      try {
        while (sent < 16L * 1024 * 1024) {
          out.write(size);
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          sent += chunk.length;
        }
      } catch (IOException closedByServer) {
        // expected: the server stops reading after 7 MiB
      }
      assertThat(sent)
          .as("the server must stop reading long before 16 MiB")
          .isLessThan(16L * 1024 * 1024);
      endless.setSoTimeout(5000);
      return new String(endless.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }
  }

  /** Test-only: the served certificate is checked by the TLS tests, not here. */
  public static SSLContext trustAll() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        new SecureRandom());
    return context;
  }
}
