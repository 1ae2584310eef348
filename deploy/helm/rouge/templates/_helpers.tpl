{{/* The chart name, or nameOverride. */}}
{{- define "rouge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every resource name: <release>-<chart>, or the release name when it already
contains the chart name, or fullnameOverride. Kubernetes names are DNS labels: at most 63
characters (helm create).
*/}}
{{- define "rouge.fullname" -}}
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

{{/* chart-version for the helm.sh/chart label ("+" is not allowed in a label value). */}}
{{- define "rouge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "rouge.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource (helm.sh/docs/chart_best_practices/labels). */}}
{{- define "rouge.labels" -}}
helm.sh/chart: {{ include "rouge.chart" . }}
{{ include "rouge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rouge
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels: name and instance only, never the version (selectors are immutable). */}}
{{- define "rouge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rouge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component: rouge.labels plus app.kubernetes.io/component. Called with (dict "ctx" $ "component" "api"). */}}
{{- define "rouge.componentLabels" -}}
{{ include "rouge.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "rouge.componentSelectorLabels" -}}
{{ include "rouge.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* commonAnnotations merged with a resource's own, rendered as an annotations block or nothing. */}}
{{- define "rouge.annotations" -}}
{{- $all := merge (deepCopy (default dict .extra)) (deepCopy (default dict .ctx.Values.commonAnnotations)) }}
{{- with $all }}
annotations:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The ServiceAccount name of a role. */}}
{{- define "rouge.serviceAccountName" -}}
{{- $r := index .ctx.Values .role }}
{{- if $r.serviceAccount.create }}
{{- default (printf "%s-%s" (include "rouge.fullname" .ctx) .role) $r.serviceAccount.name }}
{{- else }}
{{- default "default" $r.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference of a role: the chart-wide image with the role's overrides, the registry
replaced by global.imageRegistry, and a digest winning over the tag (a digest never floats).
*/}}
{{- define "rouge.image" -}}
{{- $img := merge (deepCopy (default dict (index .ctx.Values .role).image)) (deepCopy .ctx.Values.image) }}
{{- $registry := default $img.registry .ctx.Values.global.imageRegistry }}
{{- $repo := ternary $img.repository (printf "%s/%s" $registry $img.repository) (empty $registry) }}
{{- if $img.digest }}
{{- printf "%s@%s" $repo $img.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .ctx.Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{- define "rouge.imagePullPolicy" -}}
{{- $img := merge (deepCopy (default dict (index .ctx.Values .role).image)) (deepCopy .ctx.Values.image) }}
{{- $img.pullPolicy }}
{{- end }}

{{- define "rouge.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The environment every Rouge container gets: the settings of docs/configuration.md, with
every credential read from an existing Secret. Production mode refuses to start without
the database, the shared cache and the three secrets, so they are required here too, with
the same explanations, at install time instead of in a crash-looping pod.
*/}}
{{- define "rouge.env" -}}
{{- $v := .Values }}
{{- if $v.config.production }}
{{- $_ := required "database.existingSecret is required in production: a Secret whose database-url key holds postgres://user:password@host:5432/db (the embedded SQLite store is for one machine)" $v.database.existingSecret }}
{{- $_ := required "redis.existingSecret is required in production: a Secret whose redis-url key holds redis://... (processes tell each other about deploys, revocations and campaigns through it)" $v.redis.existingSecret }}
{{- $_ := required "secrets.existingSecret is required in production: a Secret with key-pepper, bootstrap-admin-key and bid-signing-key (docs/deploy-kubernetes.md shows how to make one)" $v.secrets.existingSecret }}
{{- $_ := required "objectStorage.url is required in production: s3://bucket/prefix (models and images must outlive a pod)" $v.objectStorage.url }}
{{- end }}
- name: ROUGE_PRODUCTION
  value: {{ $v.config.production | quote }}
- name: ROUGE_HOST
  value: "0.0.0.0"
- name: ROUGE_PORT
  value: "8080"
- name: ROUGE_DATA_DIR
  value: /var/lib/rouge
- name: ROUGE_LOG_LEVEL
  value: {{ $v.config.logLevel | quote }}
{{- with $v.config.trustProxy }}
- name: ROUGE_TRUST_PROXY
  value: {{ . | quote }}
{{- end }}
- name: ROUGE_SHUTDOWN_TIMEOUT_MS
  value: {{ $v.config.shutdownTimeoutMs | quote }}
- name: ROUGE_CACHE_PREFIX
  value: {{ $v.config.cachePrefix | quote }}
{{- with $v.config.fetchAllowCidrs }}
- name: ROUGE_FETCH_ALLOW_CIDRS
  value: {{ . | quote }}
{{- end }}
{{- with $v.database.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.database.urlKey }}
{{- end }}
{{- with $v.database.schema }}
- name: ROUGE_DATABASE_SCHEMA
  value: {{ . | quote }}
{{- end }}
{{- with $v.redis.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.redis.urlKey }}
{{- end }}
{{- with $v.objectStorage.url }}
- name: ROUGE_BLOB_URL
  value: {{ . | quote }}
{{- with $v.objectStorage.endpoint }}
- name: ROUGE_S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $v.objectStorage.region }}
- name: ROUGE_S3_REGION
  value: {{ . | quote }}
{{- end }}
- name: ROUGE_S3_FORCE_PATH_STYLE
  value: {{ $v.objectStorage.forcePathStyle | quote }}
{{- with $v.objectStorage.existingSecret }}
- name: ROUGE_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.objectStorage.accessKeyIdKey }}
- name: ROUGE_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.objectStorage.secretAccessKeyKey }}
{{- end }}
{{- end }}
{{- with $v.secrets.existingSecret }}
- name: ROUGE_KEY_PEPPER
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.secrets.keyPepperKey }}
- name: ROUGE_BOOTSTRAP_ADMIN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.secrets.bootstrapAdminKeyKey }}
- name: ROUGE_BID_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.secrets.bidSigningKeyKey }}
- name: ROUGE_METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.secrets.metricsTokenKey }}
      optional: true
{{- end }}
{{- with $v.config.bootstrapAdminKeyExpires }}
- name: ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES
  value: {{ . | quote }}
{{- end }}
{{- with $v.config.extraEnvVars }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The probe block for a role's probe settings: (dict "probe" $r.livenessProbe "path" "/healthz"). */}}
{{- define "rouge.probe" -}}
httpGet:
  path: {{ .path }}
  port: http
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
successThreshold: {{ .probe.successThreshold }}
{{- end }}

{{/* The TLS Secret name of an ingress class: its own or <fullname>-<class>-tls. */}}
{{- define "rouge.tlsSecretName" -}}
{{- default (printf "%s-%s-tls" (include "rouge.fullname" .ctx) .class) .tls.secretName }}
{{- end }}

{{/* cert-manager annotations for a TLS block: the block's issuer, else the chart's ClusterIssuer. */}}
{{- define "rouge.certManagerAnnotations" -}}
{{- $out := dict }}
{{- if .tls.issuer }}
{{- $_ := set $out "cert-manager.io/issuer" .tls.issuer }}
{{- else if (default .ctx.Values.certManager.clusterIssuer .tls.clusterIssuer) }}
{{- $_ := set $out "cert-manager.io/cluster-issuer" (default .ctx.Values.certManager.clusterIssuer .tls.clusterIssuer) }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
The rows of files/routes.json (`rouge routes --json`) an ingress class serves, one per path
regex (a proxy routes by path, and every method of a path has the same role), in the table's
order. public: the rows marked public; internal: every row. Rows of role api and any are
left to the catch-all of the internal class, so only public api rows are listed.
Returns {"rows": [{"regex", "role"}]} as YAML.
*/}}
{{- define "rouge.routeRows" -}}
{{- $table := .ctx.Files.Get "files/routes.json" | fromJson }}
{{- $seen := dict }}
{{- $rows := list }}
{{- range $table.routes }}
{{- $wanted := or (eq $.class "internal") (eq .exposure "public") }}
{{- $listed := or (eq .role "inference") (eq .role "worker") (and (eq $.class "public") (eq .role "api")) }}
{{- if and $wanted $listed (not (hasKey $seen .regex)) }}
{{- $_ := set $seen .regex true }}
{{- $rows = append $rows (dict "regex" .regex "role" .role) }}
{{- end }}
{{- end }}
{{- toYaml (dict "rows" $rows) }}
{{- end }}

{{/*
Pipelines' command steps (commandSteps). "rouge.commandStepsOnKubernetes" is "true" when they
run as Jobs, else empty; only then does the worker get an API token and a Role.
*/}}
{{- define "rouge.commandStepsOnKubernetes" -}}
{{- if and .Values.commandSteps.enabled (eq .Values.commandSteps.executor "kubernetes") }}true{{ end }}
{{- end }}

{{/* The namespace the Jobs of command steps run in (and their Role lives in): commandSteps.namespace or the release's. */}}
{{- define "rouge.commandStepsNamespace" -}}
{{- default (include "rouge.namespace" .) .Values.commandSteps.namespace }}
{{- end }}

{{/*
Whether a role's pods and ServiceAccount mount an API token: the role's own
serviceAccount.automountServiceAccountToken, or, for the worker alone, command steps on
Kubernetes (the worker calls the API with that token). Called with (dict "ctx" $ "role" "worker").
*/}}
{{- define "rouge.automountToken" -}}
{{- $r := index .ctx.Values .role }}
{{- if or $r.serviceAccount.automountServiceAccountToken (and (eq .role "worker") (include "rouge.commandStepsOnKubernetes" .ctx)) }}true{{ else }}false{{ end }}
{{- end }}

{{/* The environment command steps add to a role: the switch on api and worker, the executor's settings on the worker. */}}
{{- define "rouge.commandStepsEnv" -}}
{{- $cs := .ctx.Values.commandSteps }}
{{- if and $cs.enabled (has .role (list "api" "worker")) }}
- name: ROUGE_ALLOW_COMMAND_STEPS
  value: "true"
{{- end }}
{{- if and $cs.enabled (eq .role "worker") }}
- name: ROUGE_COMMAND_EXECUTOR
  value: {{ $cs.executor | quote }}
{{- if include "rouge.commandStepsOnKubernetes" .ctx }}
{{- if and (not .ctx.Values.worker.serviceAccount.create) (not .ctx.Values.worker.serviceAccount.name) }}
{{- fail "commandSteps with the kubernetes executor needs the worker's own ServiceAccount (worker.serviceAccount.create: true, or worker.serviceAccount.name): the Role would otherwise be bound to the namespace's default ServiceAccount, and so to every pod that uses it" }}
{{- end }}
- name: ROUGE_KUBERNETES_NAMESPACE
  value: {{ include "rouge.commandStepsNamespace" .ctx | quote }}
{{- with $cs.image }}
- name: ROUGE_KUBERNETES_IMAGE
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
