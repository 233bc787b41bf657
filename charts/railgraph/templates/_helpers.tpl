{{/*
Names, labels and the pieces every workload shares.
*/}}

{{- define "railgraph.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "railgraph.fullname" -}}
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

{{- define "railgraph.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "railgraph.labels" -}}
helm.sh/chart: {{ include "railgraph.chart" . }}
{{ include "railgraph.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: railgraph
{{- end }}

{{- define "railgraph.selectorLabels" -}}
app.kubernetes.io/name: {{ include "railgraph.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component: (dict "root" $ "component" "tickets") */}}
{{- define "railgraph.componentLabels" -}}
{{ include "railgraph.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "railgraph.componentSelectorLabels" -}}
{{ include "railgraph.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* <fullname>-<component> */}}
{{- define "railgraph.componentName" -}}
{{- printf "%s-%s" (include "railgraph.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The workloads: port, whether it serves /metrics, owns a PostgreSQL database, uses Redis,
and which other workloads call it (the NetworkPolicy lets only those in). The calls are
the ones the code makes: the gateway queries every subgraph; every service fetches the
JWKS or a service token from users; inventory asks trains for run layouts and tickets for
hold owners; tickets holds seats in inventory, fetches prices' quote-signing JWKS, and asks
users for travellers' addresses and trains for stations and trains (booking emails). The
gateway keeps its rate limits' counts in Redis, users its throttles' counts. Kong reaches
tickets only for Stripe's webhook, and only when Stripe takes the payments; trains only for
the operator's pushed TripUpdates, and only when trains.realtime.push is enabled.
*/}}
{{- define "railgraph.components" -}}
gateway:
  port: 4000
  metrics: true
  database: false
  redis: true
  uid: 65532
  callers: []
  fromIngress: true
users:
  port: 4001
  metrics: true
  database: true
  redis: true
  uid: 65532
  callers: [gateway, trains, inventory, prices, tickets]
  fromIngress: false
trains:
  port: 4002
  metrics: true
  database: true
  redis: false
  uid: 65532
  callers: [gateway, inventory, tickets]
  fromIngress: {{ include "railgraph.tripUpdatesPushRouted" . | eq "true" }}
inventory:
  port: 4003
  metrics: true
  database: false
  redis: true
  uid: 65532
  callers: [gateway, tickets]
  fromIngress: false
prices:
  port: 4004
  metrics: true
  database: true
  redis: false
  uid: 65532
  callers: [gateway, tickets]
  fromIngress: false
tickets:
  port: 4005
  metrics: true
  database: true
  redis: false
  uid: 65532
  callers: [gateway, inventory]
  fromIngress: {{ include "railgraph.stripeWebhookRouted" . | eq "true" }}
web:
  port: 8080
  metrics: false
  database: false
  redis: false
  uid: 101
  callers: []
  fromIngress: true
{{- end }}

{{/* "true" when Stripe takes the payments and the ingress carries its webhook to tickets. */}}
{{- define "railgraph.stripeWebhookRouted" -}}
{{- if and .Values.ingress.enabled (eq .Values.tickets.payments.provider "stripe") }}true{{- end }}
{{- end }}

{{/* "true" when the ingress carries the operator's pushed GTFS-Realtime TripUpdates to trains. */}}
{{- define "railgraph.tripUpdatesPushRouted" -}}
{{- if and .Values.ingress.enabled .Values.trains.realtime.push.enabled }}true{{- end }}
{{- end }}

{{/* Where tickets writes booking emails as .eml files when there is no SMTP server (an emptyDir). */}}
{{- define "railgraph.mailDir" -}}
/var/lib/railgraph/mail
{{- end }}

{{/* The nginx settings file the web pods read from /etc/nginx/conf.d (configmap.yaml). */}}
{{- define "railgraph.webConfigFile" -}}
railgraph-config.conf
{{- end }}

{{/* The enabled components as a dict (web can be turned off). */}}
{{- define "railgraph.enabledComponents" -}}
{{- $all := fromYaml (include "railgraph.components" .) }}
{{- if not .Values.web.enabled }}{{- $_ := unset $all "web" }}{{- end }}
{{- toYaml $all }}
{{- end }}

{{- define "railgraph.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag }}
{{- printf "%s/%s-%s:%s" .root.Values.image.registry .root.Values.image.repositoryPrefix .component $tag }}
{{- end }}

{{- define "railgraph.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "railgraph.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the service secrets and, for external stores, their URLs. */}}
{{- define "railgraph.secretName" -}}
{{- default (printf "%s-secrets" (include "railgraph.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* The stores' objects: <fullname>-postgresql (in-chart StatefulSet or CloudNativePG Cluster), <fullname>-redis. */}}
{{- define "railgraph.postgresql.fullname" -}}
{{- include "railgraph.componentName" (dict "root" . "component" "postgresql") }}
{{- end }}

{{- define "railgraph.redis.fullname" -}}
{{- include "railgraph.componentName" (dict "root" . "component" "redis") }}
{{- end }}

{{/* registry/repository:tag, or @digest when one is set: (dict "image" .Values.postgresql.image) */}}
{{- define "railgraph.storeImage" -}}
{{- if .image.digest }}
{{- printf "%s/%s@%s" .image.registry .image.repository .image.digest }}
{{- else }}
{{- printf "%s/%s:%s" .image.registry .image.repository (toString .image.tag) }}
{{- end }}
{{- end }}

{{/* The databases, one per component that owns one: users trains prices tickets. */}}
{{- define "railgraph.databases" -}}
{{- $names := list }}
{{- range $name, $c := fromYaml (include "railgraph.components" .) }}
{{- if $c.database }}{{- $names = append $names $name }}{{- end }}
{{- end }}
{{- toJson $names }}
{{- end }}

{{/* Whether PostgreSQL is in the release (in-chart or CloudNativePG), i.e. not there yet at pre-install. */}}
{{- define "railgraph.postgresqlInRelease" -}}
{{- if or .Values.postgresql.enabled .Values.cloudnativepg.enabled }}true{{- end }}
{{- end }}

{{- define "railgraph.redisEnabled" -}}
{{- if or .Values.redis.enabled .Values.externalRedis.enabled }}true{{- end }}
{{- end }}

{{/* http://<fullname>-<component>:<port><path> */}}
{{- define "railgraph.url" -}}
{{- $components := fromYaml (include "railgraph.components" .root) }}
{{- printf "http://%s:%v%s" (include "railgraph.componentName" (dict "root" .root "component" .component)) (get (get $components .component) "port") .path }}
{{- end }}

{{- define "railgraph.corsOrigins" -}}
{{- if .Values.gateway.corsOrigins }}
{{- join "," .Values.gateway.corsOrigins }}
{{- else }}
{{- printf "https://%s" .Values.ingress.hosts.web }}
{{- end }}
{{- end }}

{{/*
The database URL of a service as env entries: from the in-chart PostgreSQL (the password in
the chart's secret), from CloudNativePG (the password it generates into <cluster>-app), each
referenced by the URL, or from the existing secret.
*/}}
{{- define "railgraph.databaseEnv" -}}
{{- $service := .component }}
{{- $root := .root }}
{{- if $root.Values.postgresql.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "railgraph.secretName" $root }}
      key: postgresql-password
- name: {{ upper $service }}_DATABASE_URL
  value: {{ printf "postgresql://%s:$(DATABASE_PASSWORD)@%s:5432/%s" $root.Values.postgresql.auth.username (include "railgraph.postgresql.fullname" $root) $service | quote }}
{{- else if $root.Values.cloudnativepg.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "railgraph.postgresql.fullname" $root }}-app
      key: password
- name: {{ upper $service }}_DATABASE_URL
  value: {{ printf "postgresql://%s:$(DATABASE_PASSWORD)@%s-rw:5432/%s" $root.Values.cloudnativepg.owner (include "railgraph.postgresql.fullname" $root) $service | quote }}
{{- else }}
- name: {{ upper $service }}_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "railgraph.secretName" $root }}
      key: {{ $service }}-database-url
{{- end }}
{{- end }}

{{- define "railgraph.redisEnv" -}}
{{- $root := .root }}
{{- if $root.Values.redis.enabled }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "railgraph.secretName" $root }}
      key: redis-password
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:6379/0" (include "railgraph.redis.fullname" $root) | quote }}
{{- else if $root.Values.externalRedis.enabled }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "railgraph.secretName" $root }}
      key: redis-url
{{- end }}
{{- end }}

{{- define "railgraph.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "railgraph.secretName" .root }}
      key: {{ .key }}
{{- end }}

{{/* Values that cannot be checked by the JSON schema alone. */}}
{{- define "railgraph.validateValues" -}}
{{- $problems := list }}
{{- if and (not (include "railgraph.postgresqlInRelease" .)) (not .Values.secrets.existingSecret) }}
{{- $problems = append $problems "secrets.existingSecret must name a Secret with the database URLs when neither postgresql.enabled nor cloudnativepg.enabled is true" }}
{{- end }}
{{- if and .Values.postgresql.enabled .Values.cloudnativepg.enabled }}
{{- $problems = append $problems "enable either postgresql (in-chart, development) or cloudnativepg, not both" }}
{{- end }}
{{- if and .Values.externalRedis.enabled (not .Values.secrets.existingSecret) }}
{{- $problems = append $problems "externalRedis.enabled needs secrets.existingSecret with a redis-url key" }}
{{- end }}
{{- if and .Values.redis.enabled .Values.externalRedis.enabled }}
{{- $problems = append $problems "enable either redis (in-chart) or externalRedis, not both" }}
{{- end }}
{{- if not (include "railgraph.redisEnabled" .) }}
{{- $inventory := .Values.inventory }}
{{- if or (and $inventory.autoscaling.enabled (gt (int $inventory.autoscaling.maxReplicas) 1)) (and (not $inventory.autoscaling.enabled) (gt (int $inventory.replicas) 1)) }}
{{- $problems = append $problems "inventory may run more than one replica only with Redis (redis.enabled or externalRedis.enabled): the in-process seat engine would sell a seat once per replica" }}
{{- end }}
{{- end }}
{{- range $name, $_ := fromYaml (include "railgraph.components" .) }}
{{- $w := get $.Values $name }}
{{- if and $w.autoscaling.enabled (gt (int $w.autoscaling.minReplicas) (int $w.autoscaling.maxReplicas)) }}
{{- $problems = append $problems (printf "%s.autoscaling.minReplicas is above maxReplicas" $name) }}
{{- end }}
{{- end }}
{{- if and .Values.ingress.enabled .Values.certManager.enabled .Values.certManager.clusterIssuer.create (not .Values.certManager.clusterIssuer.email) }}
{{- $problems = append $problems "certManager.clusterIssuer.email is required to create an ACME ClusterIssuer" }}
{{- end }}
{{- $payments := .Values.tickets.payments }}
{{- if and (eq $payments.provider "stripe") (not .Values.secrets.existingSecret) }}
{{- $problems = append $problems "tickets.payments.provider stripe needs secrets.existingSecret with the stripe-secret-key and stripe-webhook-secret keys (the chart never generates Stripe keys)" }}
{{- end }}
{{- /* The app and tickets must agree, or every card the app takes is refused by tickets. */}}
{{- if and .Values.web.enabled (eq $payments.provider "stripe") (not .Values.web.stripePublishableKey) }}
{{- $problems = append $problems "tickets.payments.provider stripe needs web.stripePublishableKey (pk_live_... or pk_test_...): the web app would offer the sandbox's test cards" }}
{{- end }}
{{- if and (ne $payments.provider "stripe") .Values.web.stripePublishableKey }}
{{- $problems = append $problems "web.stripePublishableKey is set but tickets.payments.provider is not stripe: the web app would send Stripe cards to the sandbox" }}
{{- end }}
{{- if and (ne $payments.provider "stripe") $payments.stripeApiUrl }}
{{- $problems = append $problems "tickets.payments.stripeApiUrl is read only with tickets.payments.provider stripe" }}
{{- end }}
{{- if and .Values.tickets.mail.smtp (not .Values.secrets.existingSecret) }}
{{- $problems = append $problems "tickets.mail.smtp needs secrets.existingSecret with an smtp-url key (the chart cannot generate an SMTP server's URL)" }}
{{- end }}
{{- $realtime := .Values.trains.realtime }}
{{- if and (not (kindIs "invalid" $realtime.pollMs)) (not $realtime.tripUpdates.existingSecret) }}
{{- $problems = append $problems "trains.realtime.pollMs is read only with trains.realtime.tripUpdates.existingSecret (nothing is polled without the feed's URL)" }}
{{- end }}
{{- if and $realtime.push.enabled (not .Values.ingress.enabled) }}
{{- $problems = append $problems "trains.realtime.push.enabled needs ingress.enabled: the push route is a Kong Ingress (without it, route POST /realtime/trip-updates to trains yourself)" }}
{{- end }}
{{- if and .Values.ingress.enabled .Values.web.enabled (eq .Values.ingress.hosts.api .Values.ingress.hosts.web) }}
{{- $problems = append $problems "ingress.hosts.api and ingress.hosts.web must differ (both route /)" }}
{{- end }}
{{- if $problems }}
{{- fail (printf "\nrailgraph: invalid values:\n  - %s" (join "\n  - " $problems)) }}
{{- end }}
{{- end }}

{{/* The KongPlugins every route runs, in the order Kong is told about them. */}}
{{- define "railgraph.kongPlugins" -}}
{{- $fullname := include "railgraph.fullname" . }}
{{- $plugins := list (printf "%s-correlation-id" $fullname) (printf "%s-cors" $fullname) (printf "%s-request-size" $fullname) }}
{{- if .Values.ingress.rateLimiting.enabled }}
{{- $plugins = append $plugins (printf "%s-rate-limiting" $fullname) }}
{{- end }}
{{- if .Values.ingress.consumers }}
{{- $plugins = append $plugins (printf "%s-key-auth" $fullname) }}
{{- range .Values.ingress.consumers }}
{{- $plugins = append $plugins (printf "%s-rate-limiting-%s" $fullname .username) }}
{{- end }}
{{- end }}
{{- join "," $plugins }}
{{- end }}

{{/*
The KongPlugins of Stripe's webhook route: no CORS (no browser calls it) and no key-auth or
consumer limits (Stripe is no consumer; the body's Stripe-Signature is the authentication),
but the request id, the size limit and the per-IP rate limit every route has.
*/}}
{{- define "railgraph.kongWebhookPlugins" -}}
{{- $fullname := include "railgraph.fullname" . }}
{{- $plugins := list (printf "%s-correlation-id" $fullname) (printf "%s-request-size" $fullname) }}
{{- if .Values.ingress.rateLimiting.enabled }}
{{- $plugins = append $plugins (printf "%s-rate-limiting" $fullname) }}
{{- end }}
{{- join "," $plugins }}
{{- end }}

{{/*
The KongPlugins of the operator's TripUpdates push route: as Stripe's webhook (no CORS, no
key-auth: trains checks the operator's bearer token), but a request-size limit of its own, since
a whole network's feed is larger than any GraphQL request.
*/}}
{{- define "railgraph.kongTripUpdatesPlugins" -}}
{{- $fullname := include "railgraph.fullname" . }}
{{- $plugins := list (printf "%s-correlation-id" $fullname) (printf "%s-trip-updates-request-size" $fullname) }}
{{- if .Values.ingress.rateLimiting.enabled }}
{{- $plugins = append $plugins (printf "%s-rate-limiting" $fullname) }}
{{- end }}
{{- join "," $plugins }}
{{- end }}

{{- define "railgraph.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "railgraph.fullname" .)) .Values.ingress.tls.secretName }}
{{- end }}
