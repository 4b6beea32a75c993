package dev.endpointsguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.testing.TestSettings;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DecisionTest {

  static List<Finding> findings(RuleId rule, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> Finding.of(rule, "subsets[0].addresses[" + i + "].ip", "bad"))
        .toList();
  }

  @Test
  void actionsSortFindingsAndOffDropsThem() {
    Settings settings = TestSettings.defaults().withAction(RuleId.SUBSETS_EMPTY, RuleAction.OFF);
    Decision d =
        Decision.of(
            List.of(
                Finding.whole(RuleId.SERVICE_MISSING, "gone"),
                Finding.whole(RuleId.SERVICE_HAS_SELECTOR, "owned"),
                Finding.whole(RuleId.SUBSETS_EMPTY, "empty")),
            settings);
    assertThat(d.allowed()).isFalse();
    assertThat(d.denialMessage("Endpoints", "ns", "n"))
        .isEqualTo("Endpoints \"ns/n\" denied: [service-missing] gone");
    assertThat(d.warningTexts()).containsExactly("[service-has-selector] owned");
  }

  @Test
  void denialsAreJoinedWithSemicolons() {
    Decision d = Decision.of(findings(RuleId.IP_INVALID, 2), TestSettings.defaults());
    assertThat(d.denialMessage("Endpoints", "ns", "n"))
        .isEqualTo(
            "Endpoints \"ns/n\" denied: "
                + "[ip-invalid] subsets[0].addresses[0].ip: bad; [ip-invalid] subsets[0].addresses[1].ip: bad");
  }

  @Test
  void pathologicalObjectsGetBoundedAnswers() {
    Decision denied = Decision.of(findings(RuleId.IP_INVALID, 5000), TestSettings.defaults());
    assertThat(denied.denialMessage("Endpoints", "ns", "n"))
        .endsWith("; … and 4950 more")
        .hasSizeLessThan(5000);
    Decision warned =
        Decision.of(findings(RuleId.ADDRESS_DUPLICATE, 5000), TestSettings.defaults());
    assertThat(warned.warningTexts())
        .hasSize(50)
        .last()
        .isEqualTo("[address-duplicate] … and 4951 more warnings not shown");
  }

  @Test
  void warningsAreCutTo256Characters() {
    Decision d =
        Decision.of(
            List.of(Finding.whole(RuleId.SUBSETS_EMPTY, "x".repeat(400))), TestSettings.defaults());
    assertThat(d.warningTexts().get(0)).hasSize(256).endsWith("…");
  }

  @Test
  void aFindingMarkedAtMostWarnIsAWarningUnderDenyAndStaysOffUnderOff() {
    Finding kept =
        Finding.of(RuleId.IP_INVALID, "subsets[0].addresses[0].ip", "old").atMostWarning();
    Finding fresh = Finding.of(RuleId.IP_INVALID, "subsets[0].addresses[1].ip", "new");
    Decision d = Decision.of(List.of(kept, fresh), TestSettings.defaults());
    assertThat(d.denials()).containsExactly(fresh);
    assertThat(d.warningTexts()).containsExactly("[ip-invalid] subsets[0].addresses[0].ip: old");
    assertThat(kept.action(TestSettings.defaults())).isEqualTo(RuleAction.WARN);

    Settings off = TestSettings.defaults().withAction(RuleId.IP_INVALID, RuleAction.OFF);
    assertThat(Decision.of(List.of(kept), off).warnings()).isEmpty();
    assertThat(kept.action(off)).isEqualTo(RuleAction.OFF);
    assertThat(fresh.atMostWarn()).isFalse();
  }
}
