package dev.endpointsguard.cli;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.rules.AdmissionRequest;
import dev.endpointsguard.rules.EndpointSliceRules;
import dev.endpointsguard.rules.EndpointsRules;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.ServiceRules;
import dev.endpointsguard.rules.Settings;
import dev.endpointsguard.rules.Validator;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Optional;

/** The validator the admission webhook of one kind runs, applied to a manifest as a CREATE. */
record Judge<T extends HasMetadata>(String kind, Class<T> type, Validator<T> validator) {

  /**
   * Who the check writes as: nobody the configuration trusts, so every rule applies. A name no
   * Kubernetes authenticator hands out.
   */
  static final String USER = "endpoints-guard:offline-check";

  /** The judged kinds, one line each (the webhooks' validators). */
  static final List<Judge<?>> ALL =
      List.of(
          new Judge<>("Endpoints", Endpoints.class, new EndpointsRules()),
          new Judge<>("EndpointSlice", EndpointSlice.class, new EndpointSliceRules()),
          new Judge<>("Service", Service.class, new ServiceRules()));

  static Optional<Judge<?>> of(HasMetadata object) {
    return ALL.stream().filter(j -> j.type.isInstance(object)).findFirst();
  }

  List<Finding> judge(HasMetadata object, ClusterView cluster, Settings settings) {
    T typed = type.cast(object);
    AdmissionRequest<T> request =
        AdmissionRequest.create(
            typed.getMetadata().getNamespace(), typed.getMetadata().getName(), USER, typed);
    return validator.validate(request, cluster, settings);
  }
}
