package dev.endpointsguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

  static final String HARBOR_SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: harbor, namespace: default}
      spec:
        clusterIP: 10.96.200.20
        ports: [{port: 80}]
      """;

  static final String HARBOR_ENDPOINTS =
      """
      apiVersion: v1
      kind: Endpoints
      metadata: {name: harbor, namespace: default}
      subsets:
        - addresses: [{ip: 10.0.0.250}]
          ports: [{port: 80}]
      """;

  static final String HARBOUR_ENDPOINTS = HARBOR_ENDPOINTS.replace("harbor", "harbour");

  /** Endpoints whose Service exists but that list no ready address: one warning. */
  static final String HARBOR_NOT_READY =
      """
      apiVersion: v1
      kind: Endpoints
      metadata: {name: harbor, namespace: default}
      subsets:
        - notReadyAddresses: [{ip: 10.0.0.250}]
          ports: [{port: 80}]
      """;

  @TempDir Path dir;

  final Cli cli = Cli.plain();

  Path write(String name, String... documents) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("---\n", documents));
    return file;
  }

  // ---- exit status 0 and 1 -------------------------------------------------------------------

  @Test
  void theExampleClusterPasses() {
    var run = cli.run("-f", "examples/cluster");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "Endpoints registry/legacy-db: warn [ip-node] subsets[0].addresses[0].ip: 10.0.0.31 is an address of Node \"node-c\": traffic goes to whatever listens on that node; list Pod or external IPs unless that is intended\n"
                + "8 objects checked: 0 denied, 1 warned\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void theTypoExampleIsDeniedWithServiceMissing() {
    var run = cli.run("-f", "examples/check/typo.yaml");

    assertThat(run.status()).isEqualTo(CheckCommand.FAILED);
    assertThat(run.out())
        .contains(
            "Endpoints default/harbour: deny [service-missing] no Service \"default/harbour\"")
        .endsWith("2 objects checked: 1 denied, 1 warned\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aFindingAboutTheWholeObjectHasNoPathAndAFieldFindingHasOne() throws IOException {
    Path file = write("e.yaml", HARBOUR_ENDPOINTS, HARBOR_NOT_READY, HARBOR_SERVICE);

    var run = cli.run("-f", file.toString());

    // The path and its colon are left out: "[service-missing] no Service ...".
    assertThat(run.out().lines())
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "Endpoints default/harbour: deny [service-missing] no Service \"default/harbour\""))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("Endpoints default/harbor: warn [subsets-empty] subsets: "));
  }

  @Test
  void aServiceLaterInTheSameFileSatisfiesTheEndpointsBeforeIt() throws IOException {
    Path file = write("ordered.yaml", HARBOR_ENDPOINTS, HARBOR_SERVICE);

    var run = cli.run("-f", file.toString());

    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("2 objects checked: 0 denied, 0 warned\n");
  }

  @Test
  void defaultingMakesAPortWithoutProtocolMatchTheServicesTcpPort() throws IOException {
    // Neither side names a protocol or a targetPort: after defaulting both are TCP 80.
    Path file = write("d.yaml", HARBOR_SERVICE, HARBOR_ENDPOINTS);

    var run = cli.run("-f", file.toString());

    assertThat(run.out()).doesNotContain("port-unmatched");
    assertThat(run.status()).isZero();
  }

  @Test
  void anObjectWithoutNamespaceIsCreatedInDefault() throws IOException {
    Path file =
        write(
            "n.yaml",
            HARBOR_SERVICE.replace(", namespace: default", ""),
            HARBOR_ENDPOINTS.replace(", namespace: default", ""));

    var run = cli.run("-f", file.toString());

    assertThat(run.status()).isZero();
  }

  // ---- -f: directories, stdin, List kinds
  // --------------------------------------------------------

  @Test
  void aDirectoryMixingEndpointsSlicesAndServicesIsReadAsOne() throws IOException {
    write("a/service.yaml", HARBOR_SERVICE);
    write(
        "b/slice.json",
        """
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "harbor-1", "namespace": "default",
                      "labels": {"kubernetes.io/service-name": "harbor"}},
         "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.250"]}],
         "ports": [{"port": 80}]}
        """);
    write("c/endpoints.yml", HARBOUR_ENDPOINTS);
    write("c/ignored.txt", "not a manifest");
    write(
        "d/deployment.yaml",
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}}}
        """);

    var run = cli.run("-f", dir.toString());

    // The slice is judged (and clean), and it keeps the selectorless Service quiet; the
    // Deployment is skipped.
    assertThat(run.out()).endsWith("3 objects checked: 1 denied, 0 warned\n");
    assertThat(run.out()).contains("Endpoints default/harbour: deny [service-missing]");
    assertThat(run.out()).doesNotContain("EndpointSlice").doesNotContain("Deployment");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void standardInputIsReadWithDash() {
    var run = cli.withStdin(HARBOR_SERVICE + "---\n" + HARBOUR_ENDPOINTS).run("-f", "-");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).contains("Endpoints default/harbour: deny [service-missing]");
  }

  @Test
  void listKindsAreFlattened() {
    String list =
        """
        apiVersion: v1
        kind: List
        items:
        """
            + ("- " + HARBOR_SERVICE.strip().replace("\n", "\n  ") + "\n")
            + ("- " + HARBOR_ENDPOINTS.strip().replace("\n", "\n  ") + "\n");

    var run = cli.withStdin(list).run("-f", "-");

    assertThat(run.out()).isEqualTo("2 objects checked: 0 denied, 0 warned\n");
  }

  @Test
  void severalFilesAreJudgedTogether() throws IOException {
    Path endpoints = write("1.yaml", HARBOR_ENDPOINTS);
    Path service = write("2.yaml", HARBOR_SERVICE);

    var run = cli.run("-f", endpoints.toString(), "--filename", service.toString());

    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("2 objects checked: 0 denied, 0 warned\n");
  }

  // ---- --cluster
  // ------------------------------------------------------------------------------------

  @Test
  void theClusterManifestsSupplyTheServiceThatTheFilesLack() throws IOException {
    Path endpoints = write("endpoints.yaml", HARBOR_ENDPOINTS);
    Path cluster = write("cluster/service.yaml", HARBOR_SERVICE);

    var without = cli.run("-f", endpoints.toString());
    var with = cli.run("-f", endpoints.toString(), "--cluster", cluster.getParent().toString());

    assertThat(without.status()).isEqualTo(1);
    assertThat(without.out()).contains("[service-missing]");
    assertThat(with.status()).isZero();
    // Cluster objects are not judged.
    assertThat(with.out()).isEqualTo("1 object checked: 0 denied, 0 warned\n");
  }

  // ---- -o json
  // -----------------------------------------------------------------------------------

  @Test
  void jsonIsOneDocumentWithFindingsAndSummary() throws IOException {
    Path file = write("j.yaml", HARBOR_SERVICE, HARBOUR_ENDPOINTS, HARBOR_NOT_READY);

    var run = cli.run("-f", file.toString(), "-o", "json");

    assertThat(run.status()).isEqualTo(1);
    JsonNode root = new ObjectMapper().readTree(run.out());
    assertThat(root.get("summary").toString())
        .isEqualTo("{\"objects\":3,\"denied\":1,\"warned\":1,\"passed\":1}");
    JsonNode denial = root.get("findings").get(0);
    assertThat(denial.get("kind").asText()).isEqualTo("Endpoints");
    assertThat(denial.get("namespace").asText()).isEqualTo("default");
    assertThat(denial.get("name").asText()).isEqualTo("harbour");
    assertThat(denial.get("action").asText()).isEqualTo("deny");
    assertThat(denial.get("rule").asText()).isEqualTo("service-missing");
    assertThat(denial.get("path").asText()).isEmpty();
    assertThat(denial.get("message").asText()).startsWith("no Service \"default/harbour\"");
    assertThat(root.get("findings"))
        .anySatisfy(
            f -> {
              assertThat(f.get("action").asText()).isEqualTo("warn");
              assertThat(f.get("rule").asText()).isEqualTo("subsets-empty");
              assertThat(f.get("path").asText()).isEqualTo("subsets");
            });
    assertThat(root.get("findings")).allSatisfy(f -> assertThat(f.size()).isEqualTo(7));
  }

  @Test
  void jsonWithoutFindingsHasAnEmptyList() {
    var run = cli.run("--output=json", "-f", "examples/seed");

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("\"findings\" : [ ]");
  }

  // ---- --strict and --rule ---------------------------------------------------------------------

  @Test
  void aWarningPassesUnlessStrict() throws IOException {
    Path file = write("w.yaml", HARBOR_SERVICE, HARBOR_NOT_READY);

    var plain = cli.run("-f", file.toString());
    var strict = cli.run("-f", file.toString(), "--strict");

    assertThat(plain.status()).isZero();
    assertThat(plain.out()).contains("warn [subsets-empty]").endsWith("1 warned\n");
    assertThat(strict.status()).isEqualTo(1);
    assertThat(strict.out()).isEqualTo(plain.out());
  }

  @Test
  void ruleOverridesChangeTheActionForTheRun() throws IOException {
    Path file = write("r.yaml", HARBOUR_ENDPOINTS);

    var warn = cli.run("-f", file.toString(), "--rule", "service-missing=warn");
    var off = cli.run("-f", file.toString(), "--rule=service-missing=off");
    var strict = cli.run("-f", file.toString(), "--rule", "service-missing=warn", "--strict");

    assertThat(warn.status()).isZero();
    assertThat(warn.out()).contains("Endpoints default/harbour: warn [service-missing]");
    assertThat(off.status()).isZero();
    assertThat(off.out()).isEqualTo("1 object checked: 0 denied, 0 warned\n");
    assertThat(strict.status()).isEqualTo(1);
  }

  @Test
  void anUnknownRuleOrActionIsAUsageError() {
    var id = cli.run("-f", "examples/cluster", "--rule", "no-such-rule=deny");
    var action = cli.run("-f", "examples/cluster", "--rule", "service-missing=maybe");
    var shape = cli.run("-f", "examples/cluster", "--rule", "service-missing");

    assertThat(id.status()).isEqualTo(2);
    assertThat(id.err()).contains("unknown rule id 'no-such-rule'").contains("service-missing");
    assertThat(action.status()).isEqualTo(2);
    assertThat(action.err()).contains("unknown action 'maybe'");
    assertThat(shape.status()).isEqualTo(2);
    assertThat(shape.err()).contains("expected ID=ACTION");
    assertThat(id.out() + action.out() + shape.out()).isEmpty();
  }

  // ---- configuration as the server reads it ---------------------------------------------------

  @Test
  void systemPropertiesAndEnvironmentConfigureTheRulesAsForTheServer() throws IOException {
    Path file = write("c.yaml", HARBOUR_ENDPOINTS);

    var property =
        cli.withProperty("endpoints-guard.rules.service-missing", "warn")
            .run("-f", file.toString());
    var env =
        cli.withEnv(Map.of("ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "off"))
            .run("-f", file.toString());
    var overridden =
        cli.withEnv(Map.of("ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "off"))
            .run("-f", file.toString(), "--rule", "service-missing=deny");

    assertThat(property.status()).isZero();
    assertThat(property.out()).contains("warn [service-missing]");
    assertThat(env.out()).doesNotContain("service-missing");
    assertThat(overridden.status()).isEqualTo(1);
  }

  @Test
  void environmentVariablesOfTypedKeysApply() {
    var run =
        cli.withEnv(Map.of("ENDPOINTS_GUARD_IP_DENIED_CIDRS", "10.0.0.0/24"))
            .run("-f", "examples/cluster");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out())
        .contains("Endpoints default/harbor: deny [ip-denied-cidr] subsets[0].addresses[0].ip: ");
  }

  @Test
  void invalidConfigurationIsAnInputError() {
    var run =
        cli.withProperty("endpoints-guard.ip.denied-cidrs", "not-a-cidr")
            .run("-f", "examples/cluster");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .contains("invalid configuration")
        .contains("endpoints-guard.ip.denied-cidrs");
    assertThat(run.out()).isEmpty();
  }

  // ---- usage and input errors ------------------------------------------------------------------

  @Test
  void helpPrintsUsageAndExitsZero() {
    var run = cli.run("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: endpoints-guard check -f PATH");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void usageErrorsExitTwoWithTheUsageOnStandardError() {
    for (String[] args :
        new String[][] {
          {},
          {"--strict"},
          {"-f"},
          {"-f", "examples/cluster", "--bogus"},
          {"-f", "examples/cluster", "-o", "xml"},
          {"-f", "examples/cluster", "--strict=yes"},
        }) {
      var run = cli.run(args);
      assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", args)).startsWith("error: ").contains("Usage:");
      assertThat(run.out()).isEmpty();
    }
    assertThat(cli.run("--strict").err()).contains("no manifests given");
    assertThat(cli.run("-f", "x", "--bogus").err()).contains("unknown option '--bogus'");
  }

  @Test
  void aMissingFileIsNamed() {
    var run = cli.run("-f", "no/such/file.yaml");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: no/such/file.yaml: no such file or directory\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void anUnreadableFileIsNamed() throws IOException {
    Path file = write("secret.yaml", HARBOR_SERVICE);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        file.toFile().setReadable(false) && !Files.isReadable(file), "running as root");

    var run = cli.run("-f", file.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: " + file + ": cannot read");
  }

  @Test
  void invalidYamlIsNamedWithFileAndLine() throws IOException {
    Path file =
        write(
            "bad.yaml",
            HARBOR_SERVICE,
            """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: harbor
               namespace: default
            """);

    var run = cli.run("-f", file.toString());

    assertThat(run.status()).isEqualTo(2);
    // Line 12 of the file: the second document starts at line 8.
    assertThat(run.err()).startsWith("error: " + file + ":12:");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void invalidJsonIsNamedWithFileAndLine() throws IOException {
    Path file = write("bad.json", "{\"apiVersion\": \"v1\",\n \"kind\": \"Service\",,\n}");

    var run = cli.run("-f", file.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: " + file + ":2:");
  }

  @Test
  void aFieldOfTheWrongTypeIsNamedWithFileLineAndPath() throws IOException {
    Path file =
        write(
            "type.yaml", HARBOR_SERVICE, HARBOR_ENDPOINTS.replace("{port: 80}", "{port: eighty}"));

    var run = cli.run("-f", file.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: " + file + ":8: Endpoints harbor: subsets[0].ports[0].port: ");
  }

  @Test
  void aDocumentWithoutKindIsAnInputError() {
    var run = cli.withStdin("metadata: {name: x}\n").run("-f", "-");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("<stdin>:1: not a Kubernetes object");
  }

  @Test
  void emptyDocumentsAreSkipped() {
    var run = cli.withStdin("---\n---\n" + HARBOR_SERVICE + "---\n").run("-f", "-");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .startsWith("Service default/harbor: warn [selectorless-without-endpoints]");
  }

  @Test
  void aMissingKubeconfigFileIsAnInputError() {
    var run = cli.run("-f", "examples/cluster", "--kubeconfig", "no/such/kubeconfig");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("no/such/kubeconfig").contains("--kubeconfig");
  }
}
