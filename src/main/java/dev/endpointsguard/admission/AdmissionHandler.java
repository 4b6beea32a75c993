package dev.endpointsguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.rules.AdmissionRequest;
import dev.endpointsguard.rules.Decision;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.Mutation;
import dev.endpointsguard.rules.Operation;
import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.vertx.core.Context;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns one AdmissionReview into its answer: decodes the typed object, runs the webhook's rules
 * against the cluster view, applies the configured actions and the webhook's failure mode. Never
 * throws once the review has been decoded: every failure is answered as a review. A singleton
 * without a client proxy: it is called for every review.
 */
@Singleton
public class AdmissionHandler {

  private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

  private final ClusterView cluster;
  private final Settings settings;
  private final ObjectMapper mapper;
  private final ReviewCodec codec;
  private final AdmissionMetrics metrics;
  private final DenialConfirmation confirmation;

  /** A handler whose denials are never confirmed (the files source, tests). */
  public AdmissionHandler(
      ClusterView cluster, Settings settings, ObjectMapper mapper, AdmissionMetrics metrics) {
    this(cluster, settings, mapper, metrics, DenialConfirmation.none(metrics));
  }

  @Inject
  public AdmissionHandler(
      ClusterView cluster,
      Settings settings,
      ObjectMapper mapper,
      AdmissionMetrics metrics,
      DenialConfirmation confirmation) {
    this.cluster = cluster;
    this.settings = settings;
    this.mapper = mapper;
    this.codec = new ReviewCodec(mapper);
    this.metrics = metrics;
    this.confirmation = confirmation;
  }

  public ReviewCodec codec() {
    return codec;
  }

  /**
   * Thrown on an event loop when the answer needs the API server (a denial to confirm): the caller
   * asks again from a worker thread. Carries no stack trace; it is flow, not failure.
   */
  public static final class NeedsWorkerThread extends RuntimeException {
    static final NeedsWorkerThread INSTANCE = new NeedsWorkerThread();

    private NeedsWorkerThread() {
      super("the answer needs a worker thread", null, false, false);
    }
  }

  /**
   * @throws BadRequestException when the body is not a usable AdmissionReview
   * @throws NeedsWorkerThread on an event loop, when the answer would block
   */
  public byte[] handle(Webhook<?> webhook, byte[] body) {
    long start = System.nanoTime();
    ReviewEnvelope review =
        codec.read(body, webhook.oldObject() == Webhook.OldObject.READ, webhook.type());
    ReviewResponse response = evaluate(webhook, review);
    byte[] answer = codec.write(review, response);
    metrics.request(
        webhook.path(), review.operation(), response.decision(), System.nanoTime() - start);
    return answer;
  }

  <T extends HasMetadata> ReviewResponse evaluate(Webhook<T> webhook, ReviewEnvelope review) {
    if (!Operation.CREATE.name().equals(review.operation())
        && !Operation.UPDATE.name().equals(review.operation())) {
      return ReviewResponse.allow();
    }
    if (!webhook.kind().equals(review.kind())
        || !webhook.group().equals(review.group())
        || review.object() == null) {
      return ReviewResponse.allow();
    }
    // trusted writers (the control plane, endpoints-guard itself) pass every hook untouched
    if (settings.isTrusted(review.username())) {
      return ReviewResponse.allow();
    }
    if (webhook.viewRequirement() == Webhook.ViewRequirement.SYNCED && !cluster.synced()) {
      return ReviewResponse.deny(
          503,
          webhook.kind()
              + " \""
              + review.namespace()
              + "/"
              + review.name()
              + "\" cannot be checked yet: endpoints-guard is still loading the cluster state; retry in a few seconds",
          List.of(),
          ReviewResponse.ERROR);
    }
    try {
      if (webhook.mutating()) {
        ObjectNode raw = codec.tree(review.object());
        return mutate(webhook, raw, decode(webhook, review, raw));
      }
      return validate(webhook, decode(webhook, review, null));
    } catch (NeedsWorkerThread e) {
      throw e;
    } catch (RuntimeException | IOException e) {
      LOG.errorf(
          e,
          "Evaluating %s %s %s/%s failed",
          webhook.path(),
          review.operation(),
          review.namespace(),
          review.name());
      String what =
          e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + Messages.firstLine(e.getMessage()));
      if (webhook.failurePolicy() == Webhook.FailurePolicy.FAIL_CLOSED) {
        return ReviewResponse.deny(
            500,
            webhook.kind()
                + " \""
                + review.namespace()
                + "/"
                + review.name()
                + "\" could not be checked, so it is denied: "
                + what,
            List.of(),
            ReviewResponse.ERROR);
      }
      return ReviewResponse.failOpen(
          Finding.truncate("[internal-error] " + webhook.kind() + " not checked: " + what));
    }
  }

  private <T extends HasMetadata> AdmissionRequest<T> decode(
      Webhook<T> webhook, ReviewEnvelope review, ObjectNode tree) throws IOException {
    T object =
        tree != null
            ? mapper.treeToValue(tree, webhook.type())
            : codec.decode(review.object(), webhook.type());
    T old = review.oldObject() == null ? null : codec.decode(review.oldObject(), webhook.type());
    ObjectMeta metadata = object.getMetadata();
    String namespace =
        !review.namespace().isEmpty() || metadata == null
            ? review.namespace()
            : metadata.getNamespace();
    String name = !review.name().isEmpty() || metadata == null ? review.name() : metadata.getName();
    return new AdmissionRequest<>(
        Operation.parse(review.operation()),
        namespace,
        name,
        review.username(),
        review.groups(),
        object,
        old);
  }

  private <T extends HasMetadata> ReviewResponse validate(
      Webhook<T> webhook, AdmissionRequest<T> request) {
    List<Finding> fromView = webhook.validator().validate(request, cluster, settings);
    if (Context.isOnEventLoopThread()
        && confirmation.mustAsk(request, fromView, webhook.confirmation(), settings)) {
      throw NeedsWorkerThread.INSTANCE;
    }
    List<Finding> findings =
        confirmation.confirm(
            request,
            fromView,
            webhook.confirmation(),
            cluster,
            settings,
            fresh -> webhook.validator().validate(request, fresh, settings));
    Decision decision = decide(findings);
    if (!decision.allowed()) {
      return ReviewResponse.deny(
          403,
          decision.denialMessage(webhook.kind(), request.namespace(), request.name()),
          decision.warningTexts(),
          ReviewResponse.DENY);
    }
    return ReviewResponse.allow(decision.warningTexts(), null, java.util.Map.of());
  }

  private <T extends HasMetadata> ReviewResponse mutate(
      Webhook<T> webhook, ObjectNode raw, AdmissionRequest<T> request) throws IOException {
    ObjectNode draft = raw.deepCopy();
    Mutation mutation = webhook.mutator().mutate(request, draft, cluster, settings);
    Decision decision = decide(mutation.findings());
    if (!decision.allowed()) {
      return ReviewResponse.deny(
          403,
          decision.denialMessage(webhook.kind(), request.namespace(), request.name()),
          decision.warningTexts(),
          ReviewResponse.DENY);
    }
    JsonNode patch = JsonDiff.asJson(raw, draft, diffFlags());
    byte[] patchBytes = patch.isEmpty() ? null : mapper.writeValueAsBytes(patch);
    return ReviewResponse.allow(decision.warningTexts(), patchBytes, mutation.auditAnnotations());
  }

  private static EnumSet<DiffFlags> diffFlags() {
    return EnumSet.of(
        DiffFlags.OMIT_VALUE_ON_REMOVE,
        DiffFlags.OMIT_MOVE_OPERATION,
        DiffFlags.OMIT_COPY_OPERATION);
  }

  private Decision decide(List<Finding> findings) {
    Decision decision = Decision.of(findings, settings);
    for (Finding f : findings) {
      RuleAction action = f.action(settings);
      if (action != RuleAction.OFF) {
        metrics.finding(f, action);
      }
    }
    return decision;
  }
}
