package dev.endpointsguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryBudgetSizeTest {

  @ParameterizedTest
  @CsvSource({
    "128M, 134217728",
    "128Mi, 134217728",
    "128MB, 134217728",
    "1G, 1073741824",
    " 512k , 524288",
    "300000, 300000",
    "50%, 500000000",
    "1%, 10000000",
    "99 %, 990000000"
  })
  void parsesSizesAndShares(String text, long bytes) {
    assertThat(MemoryBudgetSize.parse(text).resolve(1_000_000_000L)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "lots", "0%", "100%", "-5M", "1T", "100K", "12.5%", "1.5G"})
  void refusesAnythingElse(String text) {
    assertThatThrownBy(() -> MemoryBudgetSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a heap budget;")
        .hasMessageContaining("e.g. 128M");
  }
}
