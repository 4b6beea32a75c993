package dev.endpointsguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.testing.KubeObjects;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The service-missing text leads to the fix: the Service meant, or why the order matters. */
class ServiceMissingTest {

  static InMemoryClusterView services(String namespace, String... names) {
    InMemoryClusterView view = new InMemoryClusterView();
    for (String name : names) {
      view.put(KubeObjects.selectorless(namespace, name, "10.96.0." + (name.length() + 1)).build());
    }
    return view;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "harbour, harbor", // a typo
    "harbr, harbor", // a dropped letter
    "harbor_huangxin, harbor-huangxin", // '_' for '-'
    "Harbor-HuangXin, harbor-huangxin", // case
    "harbor.huang.xin, harbor-huangxin", // '.' for '-'
  })
  void aNearNameIsSuggested(String written, String meant) {
    var view = services("default", "harbor", "harbor-huangxin", "registry");
    assertThat(ServiceMissing.finding("Endpoints", "default", written, view).text())
        .isEqualTo(
            "no Service \"default/"
                + written
                + "\" exists, so nothing routes to these Endpoints; did you mean Service"
                + " \"default/"
                + meant
                + "\"?");
  }

  @Test
  void withoutANearNameTheTextExplainsTheApplyOrder() {
    var view = services("default", "registry");
    assertThat(ServiceMissing.finding("Endpoints", "default", "harbor-huangxin", view).text())
        .isEqualTo(
            "no Service \"default/harbor-huangxin\" exists, so nothing routes to these Endpoints;"
                + " create a selectorless Service of that name, or fix the name; if the Service is"
                + " in the same file, list it before the Endpoints (kubectl applies in order) or"
                + " apply again");
    assertThat(ServiceMissing.finding("EndpointSlice", "default", "harbor-huangxin", view).text())
        .contains("nothing routes to this EndpointSlice", "list it before the EndpointSlice");
  }

  @Test
  void theClosestNameWinsThenTheAlphabeticallyFirst() {
    assertThat(ServiceMissing.nearest("default", "web", services("default", "webb", "we", "wxyz")))
        .contains("we");
    assertThat(ServiceMissing.nearest("default", "web", services("default", "wab", "wea", "weX")))
        .contains("wab");
    assertThat(ServiceMissing.nearest("default", "web-a", services("default", "WEB_A", "web-b")))
        .as("equal but for case and separators is nearest")
        .contains("WEB_A");
  }

  @Test
  void aServiceOfAnotherNamespaceIsNeverSuggested() {
    var view = services("other", "harbor");
    assertThat(ServiceMissing.nearest("default", "harbour", view)).isEmpty();
  }

  @Test
  void farNamesAreNotNear() {
    assertThat(ServiceMissing.boundedDistance("harbor", "harbour")).isEqualTo(1);
    assertThat(ServiceMissing.boundedDistance("kitten", "sitting")).isEqualTo(3);
    assertThat(ServiceMissing.boundedDistance("a", "abcd")).isEqualTo(3);
    assertThat(ServiceMissing.boundedDistance("abc", "cab")).isEqualTo(2);
    assertThat(ServiceMissing.boundedDistance("", "ab")).isEqualTo(2);
    assertThat(ServiceMissing.boundedDistance("backend-service-12", "backend-servise-21"))
        .isEqualTo(3);
    assertThat(ServiceMissing.boundedDistance("abcdef", "abcdef")).isZero();
    assertThat(ServiceMissing.nearest("default", "db", services("default", "redis", "dbx-a")))
        .isEmpty();
  }

  @Test
  void aNamespaceWithThousandsOfServicesIsSearched() {
    List<String> names = IntStream.range(0, 5000).mapToObj(i -> "service-" + i).toList();
    var view = services("crowded", names.toArray(String[]::new));
    assertThat(ServiceMissing.nearest("crowded", "servise-4999", view)).contains("service-4999");
  }
}
