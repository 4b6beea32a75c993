{{/* vim: set filetype=mustache: */}}

{{- define "endpoints-guard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "endpoints-guard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "endpoints-guard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "endpoints-guard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "endpoints-guard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "endpoints-guard.labels" -}}
helm.sh/chart: {{ include "endpoints-guard.chart" . }}
{{ include "endpoints-guard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: endpoints-guard
{{- end }}

{{/* Labels of the helm test Pod: not the selector labels, so no Service, PDB or NetworkPolicy selects it. */}}
{{- define "endpoints-guard.testLabels" -}}
helm.sh/chart: {{ include "endpoints-guard.chart" . }}
app.kubernetes.io/name: {{ printf "%s-test" (include "endpoints-guard.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: endpoints-guard
app.kubernetes.io/component: test
{{- end }}

{{- define "endpoints-guard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "endpoints-guard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create=false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The webhook Service name; the API server calls https://<this>.<ns>.svc:<port>/... */}}
{{- define "endpoints-guard.serviceName" -}}
{{- include "endpoints-guard.fullname" . }}
{{- end }}

{{/* Name of the Lease used by the reconciler's leader election (fixed in the application). */}}
{{- define "endpoints-guard.leaseName" -}}
endpoints-guard-reconciler
{{- end }}

{{/*
YAML 1.1 (used by Helm for values files) reads an unquoted `off` as boolean false:
map false back to "off" for reconciler.mode and rule actions.
*/}}
{{- define "endpoints-guard.offString" -}}
{{- if and (kindIs "bool" .) (not .) }}off{{ else }}{{ toString . }}{{ end }}
{{- end }}

{{- define "endpoints-guard.reconcilerMode" -}}
{{- include "endpoints-guard.offString" .Values.reconciler.mode }}
{{- end }}

{{/* "true" when the reconciler writes Endpoints, "" otherwise. */}}
{{- define "endpoints-guard.reconcilerEnabled" -}}
{{- if ne (include "endpoints-guard.reconcilerMode" .) "off" }}true{{- end }}
{{- end }}

{{- define "endpoints-guard.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s-%s" .Values.image.repository $tag .Values.image.flavor }}
{{- end }}
{{- end }}

{{/* Non-root uid of the image flavor (see src/main/docker). */}}
{{- define "endpoints-guard.imageUid" -}}
{{- if eq .Values.image.flavor "jvm" }}185{{ else }}1001{{ end }}
{{- end }}

{{/* ---------------------------------------------------------------- certificates */}}

{{- define "endpoints-guard.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "existing-secret" }}
{{- required "certificates.existingSecret.name is required when certificates.mode=existing-secret" .Values.certificates.existingSecret.name }}
{{- else }}
{{- printf "%s-tls" (include "endpoints-guard.fullname" .) }}
{{- end }}
{{- end }}

{{- define "endpoints-guard.certificateName" -}}
{{- printf "%s-tls" (include "endpoints-guard.fullname" .) }}
{{- end }}

{{- define "endpoints-guard.dnsNames" -}}
{{- $svc := include "endpoints-guard.serviceName" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | toJson }}
{{- end }}

{{/* Annotation on the helm-mode Secret that records when its certificates expire (RFC 3339, UTC). */}}
{{- define "endpoints-guard.notAfterAnnotation" -}}
endpoints-guard.dev/not-after
{{- end }}

{{/* The helm-mode Secret as it is in the cluster (JSON; "{}" without one, and always in helm template). */}}
{{- define "endpoints-guard.existingTlsSecret" -}}
{{- lookup "v1" "Secret" .Release.Namespace (include "endpoints-guard.tlsSecretName" .) | default dict | toJson }}
{{- end }}

{{/*
Helm-mode certificate material as JSON {"crt","key","ca","notAfter","reused"} (PEM, not base64).
Reuses the existing Secret (found by lookup) so upgrades keep the same CA and serving pair, unless its recorded
expiry (annotation endpoints-guard.dev/not-after) is missing or within certificates.helm.renewBeforeDays: then
a new CA and serving certificate are generated, and the previous CA stays in ca.crt (the caBundle) next to the
new one, so that pods still serving the old certificate during the rollout are trusted.
Generated once per render and cached, so the Secret, the caBundle and the pod checksum see the same material.
*/}}
{{- define "endpoints-guard.helmCert" -}}
{{- $cacheKey := "__endpointsGuardGeneratedCert" }}
{{- if not (hasKey .Values $cacheKey) }}
{{- $existing := include "endpoints-guard.existingTlsSecret" . | fromJson }}
{{- $data := dict }}
{{- if $existing.data }}
{{- $data = $existing.data }}
{{- end }}
{{- $notAfter := "" }}
{{- if and $existing.metadata $existing.metadata.annotations }}
{{- $notAfter = index $existing.metadata.annotations (include "endpoints-guard.notAfterAnnotation" .) | default "" }}
{{- end }}
{{- $renewBefore := mul (int .Values.certificates.helm.renewBeforeDays) 86400 }}
{{- $fresh := false }}
{{- if $notAfter }}
{{- $left := sub (toDate "2006-01-02T15:04:05Z07:00" $notAfter | unixEpoch | atoi) (now | unixEpoch | atoi) }}
{{- $fresh = gt (int64 $left) (int64 $renewBefore) }}
{{- end }}
{{- if and $fresh (index $data "tls.crt") (index $data "tls.key") (index $data "ca.crt") }}
{{- $_ := set .Values $cacheKey (dict "crt" (index $data "tls.crt" | b64dec) "key" (index $data "tls.key" | b64dec) "ca" (index $data "ca.crt" | b64dec) "notAfter" $notAfter "reused" true) }}
{{- else }}
{{- $days := int .Values.certificates.helm.validityDays }}
{{- $svc := include "endpoints-guard.serviceName" . }}
{{- $ca := genCA (printf "%s-ca" (include "endpoints-guard.fullname" .) | trunc 64) $days }}
{{- $cn := printf "%s.%s.svc" $svc .Release.Namespace }}
{{- if gt (len $cn) 64 }}{{ $cn = "" }}{{ end }}
{{- $cert := genSignedCert $cn nil (include "endpoints-guard.dnsNames" . | fromJsonArray) $days $ca }}
{{- $bundle := $ca.Cert }}
{{- with (index $data "ca.crt") }}
{{- /* keep the CA in use (the first certificate of the old bundle) for one rotation */}}
{{- $previous := (splitList "-----END CERTIFICATE-----" (b64dec .) | first) | trim }}
{{- if $previous }}
{{- $bundle = printf "%s\n%s\n-----END CERTIFICATE-----\n" ($ca.Cert | trim) $previous }}
{{- end }}
{{- end }}
{{- $until := dateInZone "2006-01-02T15:04:05Z07:00" (now | dateModify (printf "%dh" (mul $days 24))) "UTC" }}
{{- $_ := set .Values $cacheKey (dict "crt" $cert.Cert "key" $cert.Key "ca" $bundle "notAfter" $until "reused" false) }}
{{- end }}
{{- end }}
{{- index .Values $cacheKey | toJson }}
{{- end }}

{{/* caBundle field (base64 PEM) for the webhook clientConfig, or "" in cert-manager mode. */}}
{{- define "endpoints-guard.caBundle" -}}
{{- if eq .Values.certificates.mode "helm" }}
{{- (include "endpoints-guard.helmCert" . | fromJson).ca | b64enc }}
{{- else if eq .Values.certificates.mode "existing-secret" }}
{{- required "certificates.existingSecret.caBundle (base64 PEM of the CA) is required when certificates.mode=existing-secret" .Values.certificates.existingSecret.caBundle }}
{{- end }}
{{- end }}

{{/* Annotations for webhook configurations (cainjector in cert-manager mode). */}}
{{- define "endpoints-guard.webhookAnnotations" -}}
{{- if eq .Values.certificates.mode "cert-manager" }}
cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "endpoints-guard.certificateName" .) }}
{{- end }}
{{- end }}

{{/* ---------------------------------------------------------------- webhooks */}}

{{/* "true" when CEL matchConditions are rendered, "" otherwise. */}}
{{- define "endpoints-guard.matchConditionsEnabled" -}}
{{- $v := .Values.webhooks.matchConditions.enabled }}
{{- if kindIs "bool" $v }}
{{- if and $v (semverCompare "<1.28-0" .Capabilities.KubeVersion.Version) }}
{{- fail (printf "webhooks.matchConditions.enabled=true needs Kubernetes >= 1.28 (this is %s): older API servers drop matchConditions and the Endpoints hook would be fail-closed for the control plane too. Use auto or false." .Capabilities.KubeVersion.Version) }}
{{- end }}
{{- if $v }}true{{ end }}
{{- else if semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version }}true
{{- end }}
{{- end }}

{{- define "endpoints-guard.endpointsFailurePolicy" -}}
{{- if include "endpoints-guard.matchConditionsEnabled" . }}
{{- .Values.webhooks.endpoints.failurePolicy }}
{{- else }}
{{- .Values.webhooks.endpoints.failurePolicyWithoutMatchConditions }}
{{- end }}
{{- end }}

{{- define "endpoints-guard.endpointSlicesFailurePolicy" -}}
{{- if include "endpoints-guard.matchConditionsEnabled" . }}
{{- .Values.webhooks.endpointSlices.failurePolicy }}
{{- else }}
{{- .Values.webhooks.endpointSlices.failurePolicyWithoutMatchConditions }}
{{- end }}
{{- end }}

{{/*
Effective trusted identities, as the application computes them: the built-in ones (always trusted, not
configurable) plus trustedUsers, which adds.
*/}}
{{- define "endpoints-guard.trustedUsers" -}}
{{- $builtIn := list "system:apiserver" "system:kube-controller-manager" "system:serviceaccount:kube-system:endpoint-controller" "system:serviceaccount:kube-system:endpointslice-controller" "system:serviceaccount:kube-system:endpointslicemirroring-controller" (printf "system:serviceaccount:%s:%s" .Release.Namespace (include "endpoints-guard.serviceAccountName" .)) }}
{{- concat $builtIn (.Values.trustedUsers | default list) | uniq | toJson }}
{{- end }}

{{/* Namespaces never sent to the webhooks: the value, plus kube-system and the release namespace, always. */}}
{{- define "endpoints-guard.excludedNamespaces" -}}
{{- concat (list "kube-system") (.Values.webhooks.excludeNamespaces | default list) (list .Release.Namespace) | uniq | toJson }}
{{- end }}

{{- define "endpoints-guard.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- range (include "endpoints-guard.excludedNamespaces" . | fromJsonArray) }}
        - {{ . | quote }}
        {{- end }}
    {{- with .Values.webhooks.extraNamespaceSelectorExpressions }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/*
matchConditions shared by all hooks; call with (dict "root" $ "endpoints" bool). The Endpoints hook also skips
legacy leader-election locks: leader-annotated Endpoints WITHOUT subsets (the application skips exactly those).
On UPDATE `object` is the new object. default/kubernetes is not skipped by name: the application judges it.
*/}}
{{- define "endpoints-guard.matchConditions" -}}
{{- $root := .root }}
{{- if include "endpoints-guard.matchConditionsEnabled" $root }}
{{- $users := include "endpoints-guard.trustedUsers" $root | fromJsonArray }}
{{- $quoted := list }}
{{- range $users }}
{{- $quoted = append $quoted (printf "'%s'" (. | replace "\\" "\\\\" | replace "'" "\\'")) }}
{{- end }}
matchConditions:
  - name: skip-trusted-users
    expression: {{ printf "!(request.userInfo.username in [%s])" (join ", " $quoted) | quote }}
{{- if .endpoints }}
  - name: skip-leader-election-locks
    expression: "!(has(object.metadata.annotations) && 'control-plane.alpha.kubernetes.io/leader' in object.metadata.annotations && (!has(object.subsets) || size(object.subsets) == 0))"
{{- end }}
{{- end }}
{{- end }}

{{- define "endpoints-guard.clientConfig" -}}
{{- $root := .root }}
clientConfig:
  service:
    name: {{ include "endpoints-guard.serviceName" $root }}
    namespace: {{ $root.Release.Namespace }}
    path: {{ .path }}
    port: {{ $root.Values.service.port }}
  {{- with (include "endpoints-guard.caBundle" $root) }}
  caBundle: {{ . }}
  {{- end }}
{{- end }}

{{/* ---------------------------------------------------------------- audit */}}

{{/* audit.interval as configured ("" = the application default 5m; "0" = off). */}}
{{- define "endpoints-guard.auditInterval" -}}
{{- $v := .Values.audit.interval }}
{{- if not (kindIs "invalid" $v) }}{{ toString $v }}{{ end }}
{{- end }}

{{/* "true" unless audit.interval turns the audit off ("0", "0s", "0m", ...). */}}
{{- define "endpoints-guard.auditEnabled" -}}
{{- if not (regexMatch "^0+(\\.0+)?(ms|s|m|h|d)?$|^PT?0+[SMHD]?$" (include "endpoints-guard.auditInterval" .)) }}true{{ end }}
{{- end }}
