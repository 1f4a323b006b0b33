{{/* Chart name, cut to the 63 characters a label value may hold. */}}
{{- define "pitwall.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name of every object. */}}
{{- define "pitwall.fullname" -}}
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

{{- define "pitwall.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pitwall.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pitwall.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pitwall.labels" -}}
helm.sh/chart: {{ include "pitwall.chart" . }}
{{ include "pitwall.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pitwall.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pitwall.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pitwall.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
What cannot work, refused at render time with the fix: several writers on one DuckDB file, a
CronJob pod opening the file the server holds, PostgreSQL without the Secret of its URL, and a
ServiceMonitor that /metrics would answer 401 or 403.
*/}}
{{- define "pitwall.validate" -}}
{{- $engine := .Values.store.engine }}
{{- if and (eq $engine "duckdb") (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "replicaCount %d needs store.engine postgres: the embedded DuckDB store has a single writer (one pod). Set store.engine=postgres with store.postgres.existingSecret, or replicaCount=1" (int .Values.replicaCount)) }}
{{- end }}
{{- if and (eq $engine "duckdb") .Values.cronJobs }}
{{- fail "cronJobs need store.engine postgres: a CronJob pod cannot open the DuckDB file the server holds. Use the schedule inside pitwall serve (config.collectors) or PostgreSQL" }}
{{- end }}
{{- if and (eq $engine "postgres") (not .Values.store.postgres.existingSecret) }}
{{- fail "store.engine postgres needs store.postgres.existingSecret: the name of a Secret holding the database URL under store.postgres.secretKey (kubectl create secret generic pitwall-db --from-literal=database-url=postgres://...)" }}
{{- end }}
{{- if .Values.serviceMonitor.enabled }}
{{- if not (or .Values.server.anonymousRead .Values.serviceMonitor.tokenSecret.name) }}
{{- fail "serviceMonitor.enabled needs serviceMonitor.tokenSecret.name (a Secret with a read token: pitwall token create --name prometheus --scope read) or server.anonymousRead=true: /metrics answers 401 otherwise" }}
{{- end }}
{{- if not (has "*" .Values.server.allowedHosts) }}
{{- fail "serviceMonitor.enabled needs \"*\" in server.allowedHosts: Prometheus scrapes each pod by its IP, a Host name no list can hold, and /metrics would answer 403" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The container environment shared by the server and the CronJobs: the store, then secrets. */}}
{{- define "pitwall.env" -}}
- name: PITWALL_CONFIG
  value: /etc/pitwall/pitwall.yaml
# The root filesystem is read-only: anything that writes under HOME writes to the emptyDir.
- name: HOME
  value: /tmp
{{- if eq .Values.store.engine "postgres" }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.store.postgres.existingSecret }}
      key: {{ .Values.store.postgres.secretKey }}
{{- else }}
- name: PITWALL_DB
  value: /data/pitwall.duckdb
{{- end }}
{{- range .Values.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* pitwall.yaml: what the chart sets, with .Values.config merged over it. */}}
{{- define "pitwall.config" -}}
{{- $server := dict "anonymous_read" .Values.server.anonymousRead "allowed_hosts" .Values.server.allowedHosts }}
{{- $base := dict "server" $server }}
{{- if .Values.datadog.env }}
{{- $tags := list (printf "env:%s" .Values.datadog.env) }}
{{- $_ := set $base "datadog" (dict "tags" $tags) }}
{{- end }}
{{- $merged := mustMergeOverwrite $base (deepCopy .Values.config) }}
{{- toYaml $merged }}
{{- end }}

{{/* Volumes every pod mounts: the config, a writable /tmp (the root filesystem is read-only). */}}
{{- define "pitwall.volumeMounts" -}}
- name: config
  mountPath: /etc/pitwall
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "pitwall.volumes" -}}
- name: config
  configMap:
    name: {{ include "pitwall.fullname" . }}
- name: tmp
  emptyDir: {}
{{- end }}
