package dev.endpointsguard.admission;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Reads AdmissionReview requests (v1 and v1beta1) and writes responses in the same version. */
public final class ReviewCodec {

    public static final Set<String> VERSIONS = Set.of("admission.k8s.io/v1", "admission.k8s.io/v1beta1");

    private final ObjectMapper mapper;

    public ReviewCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** @throws BadRequestException (400) when the body is not an AdmissionReview with a request and its uid */
    public ReviewEnvelope read(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequestException(400, "body is not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadRequestException(400, "body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException(400, "body is not a JSON object");
        }
        String apiVersion = root.path("apiVersion").asText("");
        if (!"AdmissionReview".equals(root.path("kind").asText()) || !VERSIONS.contains(apiVersion)) {
            throw new BadRequestException(400, "body is not an AdmissionReview of admission.k8s.io/v1 or v1beta1 (apiVersion '"
                    + apiVersion + "', kind '" + root.path("kind").asText("") + "')");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new BadRequestException(400, "AdmissionReview has no request");
        }
        String uid = request.path("uid").asText("");
        if (!request.path("uid").isTextual() || uid.isEmpty()) {
            throw new BadRequestException(400, "AdmissionReview request has no uid");
        }
        JsonNode object = objectOrNull(request.get("object"));
        JsonNode oldObject = objectOrNull(request.get("oldObject"));
        JsonNode kind = request.path("kind");
        String kindName = kind.path("kind").asText("");
        if (kindName.isEmpty() && object != null) {
            kindName = object.path("kind").asText("");
        }
        JsonNode userInfo = request.path("userInfo");
        List<String> groups = new ArrayList<>();
        userInfo.path("groups").forEach(g -> groups.add(g.asText()));
        return new ReviewEnvelope(apiVersion, uid, kind.path("group").asText(""), kindName,
                request.path("operation").asText(""), request.path("namespace").asText(""), request.path("name").asText(""),
                userInfo.path("username").asText(""), groups, object, oldObject);
    }

    public byte[] write(ReviewEnvelope request, ReviewResponse response) {
        ObjectNode root = mapper.createObjectNode();
        root.put("apiVersion", request.apiVersion());
        root.put("kind", "AdmissionReview");
        ObjectNode body = root.putObject("response");
        body.put("uid", request.uid());
        body.put("allowed", response.allowed());
        if (!response.allowed()) {
            ObjectNode status = body.putObject("status");
            status.put("code", response.statusCode());
            status.put("reason", response.statusCode() == 403 ? "Forbidden"
                    : response.statusCode() == 503 ? "ServiceUnavailable" : "InternalError");
            status.put("message", response.message());
        }
        if (!response.warnings().isEmpty()) {
            ArrayNode warnings = body.putArray("warnings");
            response.warnings().forEach(warnings::add);
        }
        if (response.jsonPatch() != null) {
            body.put("patchType", "JSONPatch");
            body.put("patch", Base64.getEncoder().encodeToString(response.jsonPatch()));
        }
        if (!response.auditAnnotations().isEmpty()) {
            ObjectNode audit = body.putObject("auditAnnotations");
            response.auditAnnotations().forEach(audit::put);
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write AdmissionReview", e);
        }
    }

    public byte[] error(String message) {
        try {
            return mapper.writeValueAsBytes(mapper.createObjectNode().put("error", message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
