package dev.endpointsguard.admission;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * The admission endpoints (docs/contract.md#admission-endpoints). Bodies are taken as bytes so that
 * every malformed request gets a JSON error of our own (400/413/415) instead of a framework
 * default. Blocking (a worker thread, never the event loop): a denial may be confirmed with the API
 * server before it is answered, see {@link DenialConfirmation}.
 */
@Blocking
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class AdmissionResource {

  /**
   * 7 MiB: larger than any object etcd stores (1.5 MiB by default), small enough to bound memory.
   */
  public static final int MAX_BODY_BYTES = 7 * 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(AdmissionResource.class);

  private final AdmissionHandler handler;
  private final Webhooks webhooks;

  public AdmissionResource(AdmissionHandler handler, Webhooks webhooks) {
    this.handler = handler;
    this.webhooks = webhooks;
  }

  @POST
  @Path("validate/endpoints")
  public Response validateEndpoints(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
    return answer(webhooks.validateEndpoints(), contentType, body);
  }

  @POST
  @Path("validate/endpointslices")
  public Response validateEndpointSlices(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
    return answer(webhooks.validateEndpointSlices(), contentType, body);
  }

  @POST
  @Path("validate/services")
  public Response validateServices(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
    return answer(webhooks.validateServices(), contentType, body);
  }

  @POST
  @Path("mutate/services")
  public Response mutateServices(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
    return answer(webhooks.mutateServices(), contentType, body);
  }

  private Response answer(Webhook<?> webhook, String contentType, byte[] body) {
    try {
      if (!isJson(contentType)) {
        throw new BadRequestException(
            415,
            "Content-Type must be application/json, not '"
                + (contentType == null ? "" : contentType)
                + "'");
      }
      if (body == null || body.length == 0) {
        throw new BadRequestException(400, "body is empty; send an AdmissionReview");
      }
      if (body.length > MAX_BODY_BYTES) {
        throw new BadRequestException(413, "body is larger than 7 MiB");
      }
      return Response.ok(handler.handle(webhook, body), MediaType.APPLICATION_JSON_TYPE).build();
    } catch (BadRequestException e) {
      return error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      // Only reachable before a review could be decoded (handle() answers every later failure as a
      // review).
      LOG.warnf(e, "Unreadable admission request on %s", webhook.path());
      return error(400, "request could not be read: " + e.getClass().getSimpleName());
    }
  }

  private Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(handler.codec().error(message))
        .build();
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    if (contentType.equals("application/json")) {
      return true; // what the API server sends: skip the media-type parser on the hot path
    }
    try {
      MediaType type = MediaType.valueOf(contentType);
      return "application".equalsIgnoreCase(type.getType())
          && "json".equalsIgnoreCase(type.getSubtype());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
