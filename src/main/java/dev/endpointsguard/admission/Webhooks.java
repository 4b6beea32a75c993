package dev.endpointsguard.admission;

import static dev.endpointsguard.admission.Webhook.FailurePolicy.FAIL_CLOSED;
import static dev.endpointsguard.admission.Webhook.FailurePolicy.FAIL_OPEN;
import static dev.endpointsguard.admission.Webhook.ViewRequirement.ANY;
import static dev.endpointsguard.admission.Webhook.ViewRequirement.SYNCED;

import dev.endpointsguard.rules.EndpointSliceRules;
import dev.endpointsguard.rules.EndpointsRules;
import dev.endpointsguard.rules.ServiceRules;
import dev.endpointsguard.rules.SessionAffinityDefaults;
import dev.endpointsguard.rules.UpdateScope;
import dev.endpointsguard.rules.ViewReads;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The admission endpoints (docs/contract.md#admission-endpoints) with their rules and failure
 * modes.
 */
@ApplicationScoped
public class Webhooks {

  /**
   * Fails closed: a manual Endpoints that could not be checked may forward traffic anywhere. Reads
   * {@code oldObject}: an UPDATE is judged on what it changes (docs/contract.md#update-semantics).
   */
  private final Webhook<Endpoints> validateEndpoints =
      Webhook.validating(
              "/validate/endpoints",
              "",
              "Endpoints",
              Endpoints.class,
              FAIL_CLOSED,
              SYNCED,
              UpdateScope.ENDPOINTS.around(new EndpointsRules()))
          .confirmedBy(ViewReads.ENDPOINTS);

  /**
   * Fails closed like the Endpoints hook: kube-proxy uses every slice labelled for a Service. Reads
   * {@code oldObject} for update semantics and for {@code slice-managed-by-controller}.
   */
  private final Webhook<EndpointSlice> validateEndpointSlices =
      Webhook.validating(
              "/validate/endpointslices",
              "discovery.k8s.io",
              "EndpointSlice",
              EndpointSlice.class,
              FAIL_CLOSED,
              SYNCED,
              UpdateScope.ENDPOINT_SLICES.around(new EndpointSliceRules()))
          .confirmedBy(ViewReads.ENDPOINT_SLICES);

  /** Fails open: these hooks only advise. */
  private final Webhook<Service> validateServices =
      Webhook.validating(
          "/validate/services", "", "Service", Service.class, FAIL_OPEN, ANY, new ServiceRules());

  /** Fails open: a missing default is better than a blocked Service. */
  private final Webhook<Service> mutateServices =
      Webhook.mutating("/mutate/services", "Service", Service.class, new SessionAffinityDefaults());

  /** Every endpoint, each served at its {@link Webhook#path()}. */
  public List<Webhook<?>> all() {
    return List.of(validateEndpoints, validateEndpointSlices, validateServices, mutateServices);
  }

  public Webhook<Endpoints> validateEndpoints() {
    return validateEndpoints;
  }

  public Webhook<EndpointSlice> validateEndpointSlices() {
    return validateEndpointSlices;
  }

  public Webhook<Service> validateServices() {
    return validateServices;
  }

  public Webhook<Service> mutateServices() {
    return mutateServices;
  }
}
