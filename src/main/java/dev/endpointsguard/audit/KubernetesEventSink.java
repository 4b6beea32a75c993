package dev.endpointsguard.audit;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records core/v1 Events the way kubectl's recorder names them: {@code <object-name>.<hex suffix>},
 * type {@code Warning}, reason {@value #REASON}, source component {@value #COMPONENT}.
 */
public final class KubernetesEventSink implements EventSink {

  public static final String REASON = "EndpointsGuardViolation";
  public static final String COMPONENT = "endpoints-guard";

  /** Longer Event messages are cut: an Event is a pointer, the log and the rules' docs explain. */
  static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  public KubernetesEventSink(KubernetesClient client, String instance, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
  }

  @Override
  public void record(Violation violation) {
    client.v1().events().inNamespace(violation.namespace()).resource(event(violation)).create();
  }

  Event event(Violation v) {
    Instant now = clock.instant();
    // client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()); the sequence keeps names of Events
    // made within one clock tick apart.
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence.getAndIncrement();
    String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    String message = v.finding().render();
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE - 1) + "…";
    }
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(v.namespace())
        .withName(v.name() + "." + Long.toHexString(nanos))
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(v.apiVersion())
                .withKind(v.kind())
                .withNamespace(v.namespace())
                .withName(v.name())
                .withUid(v.uid().isEmpty() ? null : v.uid())
                .withResourceVersion(v.resourceVersion().isEmpty() ? null : v.resourceVersion())
                .build())
        .withType("Warning")
        .withReason(REASON)
        .withMessage(message)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .build();
  }
}
