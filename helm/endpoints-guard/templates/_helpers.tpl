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

{{/*
Helm-mode certificate material as JSON {"crt","key","ca"} (PEM, not base64).
Reuses the existing Secret (found by lookup) so upgrades keep the same CA and serving pair;
otherwise generates a CA and a serving certificate once per render and caches it, so the Secret,
the caBundle and the pod checksum annotation all see the same material.
*/}}
{{- define "endpoints-guard.helmCert" -}}
{{- $cacheKey := "__endpointsGuardGeneratedCert" }}
{{- if not (hasKey .Values $cacheKey) }}
{{- $secretName := include "endpoints-guard.tlsSecretName" . }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace $secretName }}
{{- $data := dict }}
{{- if and $existing $existing.data }}
{{- $data = $existing.data }}
{{- end }}
{{- if and (index $data "tls.crt") (index $data "tls.key") (index $data "ca.crt") }}
{{- $_ := set .Values $cacheKey (dict "crt" (index $data "tls.crt" | b64dec) "key" (index $data "tls.key" | b64dec) "ca" (index $data "ca.crt" | b64dec) "reused" true) }}
{{- else }}
{{- $days := int .Values.certificates.helm.validityDays }}
{{- $svc := include "endpoints-guard.serviceName" . }}
{{- $ca := genCA (printf "%s-ca" (include "endpoints-guard.fullname" .)) $days }}
{{- $cn := printf "%s.%s.svc" $svc .Release.Namespace }}
{{- $cert := genSignedCert $cn nil (include "endpoints-guard.dnsNames" . | fromJsonArray) $days $ca }}
{{- $_ := set .Values $cacheKey (dict "crt" $cert.Cert "key" $cert.Key "ca" $ca.Cert "reused" false) }}
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

{{/* Effective trusted identities, the same list the application uses (CONTRACT 6). */}}
{{- define "endpoints-guard.trustedUsers" -}}
{{- if .Values.trustedUsers }}
{{- .Values.trustedUsers | toJson }}
{{- else }}
{{- list "system:apiserver" "system:kube-controller-manager" "system:serviceaccount:kube-system:endpoint-controller" "system:serviceaccount:kube-system:endpointslice-controller" "system:serviceaccount:kube-system:endpointslicemirroring-controller" (printf "system:serviceaccount:%s:%s" .Release.Namespace (include "endpoints-guard.serviceAccountName" .)) | toJson }}
{{- end }}
{{- end }}

{{- define "endpoints-guard.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- range (concat .Values.webhooks.excludeNamespaces (list .Release.Namespace) | uniq) }}
        - {{ . | quote }}
        {{- end }}
    {{- with .Values.webhooks.extraNamespaceSelectorExpressions }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/* matchConditions shared by all hooks; call with (dict "root" $ "endpoints" bool). */}}
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
  - name: skip-default-kubernetes
    expression: "!(request.namespace == 'default' && request.name == 'kubernetes')"
  - name: skip-leader-election-locks
    expression: "!(has(object.metadata.annotations) && 'control-plane.alpha.kubernetes.io/leader' in object.metadata.annotations)"
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
