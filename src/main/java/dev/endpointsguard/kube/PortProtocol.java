package dev.endpointsguard.kube;

/** Port protocols as the API server stores them. */
public final class PortProtocol {

  private PortProtocol() {}

  /**
   * The API server defaults an empty port protocol to TCP before any webhook or controller sees it.
   */
  public static String orTcp(String protocol) {
    return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
  }
}
