package dev.endpointsguard.admission;

import dev.endpointsguard.rules.EndpointsRules;
import dev.endpointsguard.rules.ServiceRules;
import dev.endpointsguard.rules.SessionAffinityDefaults;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import jakarta.enterprise.context.ApplicationScoped;

/** The webhooks of CONTRACT 2 with their rules and failure modes. */
@ApplicationScoped
public class Webhooks {

    /**
     * Fails closed: a manual Endpoints that could not be checked may forward traffic anywhere. Its rules judge the
     * new object only, so a large {@code oldObject} is never held in memory.
     */
    private final Webhook<Endpoints> validateEndpoints = Webhook.validating("/validate/endpoints", "Endpoints",
            Endpoints.class, true, true, false, new EndpointsRules());
    /** Fails open: these hooks only advise. */
    private final Webhook<Service> validateServices = Webhook.validating("/validate/services", "Service",
            Service.class, false, false, true, new ServiceRules());
    /** Fails open: a missing default is better than a blocked Service. */
    private final Webhook<Service> mutateServices = Webhook.mutating("/mutate/services", "Service",
            Service.class, new SessionAffinityDefaults());

    public Webhook<Endpoints> validateEndpoints() {
        return validateEndpoints;
    }

    public Webhook<Service> validateServices() {
        return validateServices;
    }

    public Webhook<Service> mutateServices() {
        return mutateServices;
    }
}
