import { cpSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';
import { cli } from '../helpers/cli.js';
import { helm, helmBinary } from './helm.js';

const root = join(import.meta.dirname, '..', '..');
const chart = join(root, 'deploy', 'helm', 'pitwall');
const everything = join(chart, 'ci', 'everything-values.yaml');

// Kubernetes' own OpenAPI schemas, through kubernetes-models: each class validates its kind.
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are checked field by field */
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: any;
};

/**
 * prometheus-operator's CRD is not in kubernetes-models: the fields its schema requires and the
 * types of those set here, by hand (monitoring.coreos.com/v1 ServiceMonitor).
 */
function validateServiceMonitor(m: Manifest): void {
  expect(m.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  expect(m.spec.selector.matchLabels).toBeTypeOf('object');
  expect(Array.isArray(m.spec.endpoints) && m.spec.endpoints.length > 0).toBe(true);
  for (const e of m.spec.endpoints) {
    expect(typeof e.port).toBe('string');
    expect(e.path).toMatch(/^\//);
    for (const d of [e.interval, e.scrapeTimeout])
      expect(d).toMatch(
        /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/,
      );
    if (e.authorization) {
      expect(e.authorization.type).toBe('Bearer');
      expect(Object.keys(e.authorization.credentials).sort()).toEqual(['key', 'name']);
    }
  }
}

function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

function validateAll(manifests: Manifest[]): void {
  for (const m of manifests) {
    const id = `${m.apiVersion}/${m.kind}`;
    if (m.kind === 'ServiceMonitor') {
      validateServiceMonitor(m);
      continue;
    }
    const Model = MODELS[id];
    expect(Model, `no schema for ${id}`).toBeDefined();
    expect(() => new Model!(m as never).validate(), `${id} ${m.metadata.name}`).not.toThrow();
  }
}

/**
 * kubernetes-models' validate() checks types and required fields, not unknown ones (a misspelt
 * `readinessProbes` would pass, and the API server drops what it does not know). Its TypeScript
 * types do know every field: each manifest, written out as an object literal of its kind's type,
 * must compile without an excess-property error.
 */
function unknownFields(dir: string, manifests: Manifest[]): string[] {
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const lines: string[] = [];
  manifests.forEach((m, i) => {
    if (m.kind === 'ServiceMonitor') return;
    const group = m.apiVersion === 'v1' ? 'v1' : m.apiVersion;
    lines.push(`import type { I${m.kind} as T${i} } from 'kubernetes-models/${group}/${m.kind}';`);
    lines.push(`export const m${i}: T${i} = ${JSON.stringify(m)};`);
  });
  const file = join(dir, 'manifests.ts');
  writeFileSync(file, lines.join('\n'));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

const byKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const one = (ms: Manifest[], kind: string) => {
  const found = byKind(ms, kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

/** Every pod spec rendered: the Deployment's and each CronJob's. */
const podSpecs = (ms: Manifest[]) => [
  ...byKind(ms, 'Deployment').map((d) => d.spec.template.spec),
  ...byKind(ms, 'CronJob').map((c) => c.spec.jobTemplate.spec.template.spec),
];

describe('Helm chart deploy/helm/pitwall with the real helm', () => {
  let bin: string;
  let work: string;
  let defaults: Manifest[];
  let full: Manifest[];
  const template = (...args: string[]) =>
    helm(bin, ['template', 'pw', chart, '--namespace', 'telemetry', ...args]);
  /**
   * `helm template` leaves NOTES.txt out and `helm install --dry-run` needs a cluster: a copy of
   * the chart renders the same file through tpl as a value, with the same helpers and values.
   */
  const renderNotes = async (...args: string[]) => {
    const copy = join(work, `notes-${Math.random().toString(36).slice(2)}`);
    cpSync(chart, copy, { recursive: true });
    renameSync(join(copy, 'templates', 'NOTES.txt'), join(copy, 'NOTES.txt'));
    writeFileSync(
      join(copy, 'templates', 'notes.yaml'),
      'notes: {{ tpl (.Files.Get "NOTES.txt") . | toJson }}\n',
    );
    const r = await helm(bin, [
      'template',
      'pw',
      copy,
      '--namespace',
      'telemetry',
      '--show-only',
      'templates/notes.yaml',
      ...args,
    ]);
    expect(r.stderr).toBe('');
    return (parseAllDocuments(r.stdout)[0]!.toJS() as { notes: string }).notes;
  };
  beforeAll(async () => {
    bin = helmBinary();
    work = mkdtempSync(join(tmpdir(), 'pitwall-chart-'));
    const d = await template();
    expect(d.stderr).toBe('');
    defaults = parseManifests(d.stdout);
    const f = await template('-f', everything);
    expect(f.stderr).toBe('');
    full = parseManifests(f.stdout);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is helm v3 and passes helm lint --strict with default values and with everything enabled', async () => {
    expect((await helm(bin, ['version', '--short'])).stdout).toMatch(/^v3\./);
    for (const args of [[], ['-f', everything]]) {
      const r = await helm(bin, ['lint', chart, '--strict', ...args]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it('renders valid Kubernetes manifests with default values: one pod on DuckDB with its volume', () => {
    validateAll(defaults);
    expect(defaults.map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Service', 'ServiceAccount'].sort(),
    );
    const dep = one(defaults, 'Deployment');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    const c = dep.spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'PITWALL_DB', value: '/data/pitwall.duckdb' });
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    const claim = one(defaults, 'PersistentVolumeClaim');
    expect(dep.spec.template.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: claim.metadata.name },
    });
  });

  it('renders valid manifests with everything enabled: replicas on PostgreSQL, CronJobs, Ingress, ServiceMonitor', () => {
    validateAll(full);
    expect(new Set(full.map((m) => m.kind))).toEqual(
      new Set([
        'ServiceAccount',
        'ConfigMap',
        'Service',
        'Deployment',
        'CronJob',
        'Ingress',
        'ServiceMonitor',
        'PodDisruptionBudget',
      ]),
    );
    const dep = one(full, 'Deployment');
    expect(dep.spec.replicas).toBe(3);
    const pdb = one(full, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: dep.spec.selector.matchLabels } });
    expect(dep.spec.strategy).toBeUndefined();
    expect(dep.spec.template.spec.containers[0].args).toEqual([
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '4100',
    ]);
    expect(dep.spec.template.spec.containers[0].image).toBe('registry.example.com/platform/pitwall:0.1.0');
  });

  it('takes the database URL and every token from existing Secrets, never a literal', () => {
    for (const spec of podSpecs(full)) {
      const env = spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[];
      expect(env.find((e) => e.name === 'DATABASE_URL')).toEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'pitwall-db', key: 'database-url' } },
      });
      expect(env.find((e) => e.name === 'GITHUB_TOKEN')!.valueFrom.secretKeyRef).toEqual({
        name: 'pitwall-github',
        key: 'token',
      });
      expect(env.find((e) => e.name === 'DD_API_KEY')!.valueFrom.secretKeyRef).toEqual({
        name: 'pitwall-datadog',
        key: 'api-key',
      });
      for (const e of env)
        if (/TOKEN|KEY|PASSWORD|SECRET|DATABASE_URL/.test(e.name)) expect(e.value, e.name).toBeUndefined();
    }
    expect(byKind(full, 'Secret')).toEqual([]);
  });

  it('runs every pod non-root on a read-only root filesystem with resources, probes on /healthz', () => {
    for (const spec of [...podSpecs(full), ...podSpecs(defaults)]) {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      const c = spec.containers[0];
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/pitwall', readOnly: true });
    }
    const c = one(full, 'Deployment').spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 4100, protocol: 'TCP' }]);
    for (const p of [c.readinessProbe, c.startupProbe])
      expect(p.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
  });

  it('renders one CronJob per scheduled collector or exporter, every 15 minutes, never two runs at once', () => {
    const jobs = byKind(full, 'CronJob');
    expect(jobs.map((j) => j.metadata.name)).toEqual(['pw-pitwall-github', 'pw-pitwall-datadog']);
    for (const j of jobs) {
      expect(j.spec.schedule).toBe('*/15 * * * *');
      expect(j.spec.concurrencyPolicy).toBe('Forbid');
      expect(j.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
      expect(j.spec.jobTemplate.spec.activeDeadlineSeconds).toBeLessThan(15 * 60);
    }
    const args = jobs.map((j) => j.spec.jobTemplate.spec.template.spec.containers[0].args);
    expect(args).toEqual([
      ['collect', 'github', '--org', 'acme'],
      ['export', 'datadog'],
    ]);
    // The image's entrypoint is `node bin/pitwall.js`: args are pitwall's own.
    for (const j of jobs) expect(j.spec.jobTemplate.spec.template.spec.containers[0].command).toBeUndefined();
    expect(jobs[1]!.spec.jobTemplate.spec.template.spec.containers[0].resources.requests).toEqual({
      cpu: '50m',
      memory: '128Mi',
    });
  });

  it('wires Service, Ingress and ServiceMonitor to the pods by labels and the named port', () => {
    const svc = one(full, 'Service');
    const podLabels = one(full, 'Deployment').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
    expect(svc.spec.ports[0].targetPort).toBe('http');
    const ing = one(full, 'Ingress');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules[0].host).toBe('pitwall.example.com');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: svc.metadata.name,
      port: { name: 'http' },
    });
    expect(ing.spec.tls).toEqual([{ secretName: 'pitwall-tls', hosts: ['pitwall.example.com'] }]);
    const sm = one(full, 'ServiceMonitor');
    expect(sm.metadata.labels!.release).toBe('kube-prometheus-stack');
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels))
      expect(svc.metadata.labels![k]).toBe(v);
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['telemetry'] });
    expect(sm.spec.endpoints).toEqual([
      {
        port: svc.spec.ports[0].name,
        path: '/metrics',
        interval: '60s',
        scrapeTimeout: '30s',
        authorization: { type: 'Bearer', credentials: { name: 'pitwall-prometheus', key: 'token' } },
      },
    ]);
  });

  it("writes a pitwall.yaml Pitwall itself accepts, with the seed's datadog.env as a tag", () => {
    for (const [name, ms] of [
      ['defaults', defaults],
      ['everything', full],
    ] as const) {
      const file = join(work, `${name}.yaml`);
      writeFileSync(file, one(ms, 'ConfigMap').data['pitwall.yaml']);
      const cfg = loadConfig({ cwd: work, path: file, env: {} });
      expect(cfg.server.allowed_hosts).toEqual(['*']);
      if (name === 'everything') {
        expect(cfg.datadog.tags).toEqual(['env:staging']);
        expect(cfg.datadog.prefix).toBe('pitwall');
        expect(cfg.retention.metric_points).toBe(400);
      }
    }
    // A changed config rolls the pods: the checksum follows the ConfigMap.
    const sums = [defaults, full].map(
      (ms) => one(ms, 'Deployment').spec.template.metadata.annotations['checksum/config'],
    );
    expect(sums[0]).not.toBe(sums[1]);
  });

  it("runs only commands pitwall has: each CronJob's and the token command of NOTES.txt", async () => {
    const notes = await renderNotes('-f', everything);
    const token = /exec deploy\/\S+ -- node bin\/pitwall\.js (.*)$/m.exec(notes)![1]!.split(' ');
    const commands = [
      ...byKind(full, 'CronJob').map(
        (j) => j.spec.jobTemplate.spec.template.spec.containers[0].args as string[],
      ),
      token,
    ];
    for (const args of commands) {
      const words = args.slice(
        0,
        args.findIndex((a) => a.startsWith('-')),
      );
      // Commander answers --help of an unknown command with the top-level usage: the path must show.
      const r = await cli([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: pitwall ${words.join(' ')} `));
    }
  });

  it('renders NOTES.txt naming the objects the chart made', async () => {
    const notes = await renderNotes('-f', everything);
    const svc = one(full, 'Service').metadata.name;
    expect(notes).toContain(`Pitwall 0.1.0 is deployed as ${svc} (3 replica(s), store: postgres).`);
    expect(notes).toContain('Open: https://pitwall.example.com/');
    expect(notes).toContain('CronJobs: github (*/15 * * * *), datadog (*/15 * * * *).');
    const job = /create job --from=cronjob\/(\S+)/.exec(notes)![1];
    expect(byKind(full, 'CronJob').map((j) => j.metadata.name)).toContain(job);
    expect(notes).toContain(`ServiceMonitor ${svc} scrapes /metrics every 60s.`);
    const plain = await renderNotes();
    expect(plain).toContain(`kubectl -n telemetry port-forward svc/${svc} 4100:80`);
    expect(plain).not.toMatch(/CronJobs|ServiceMonitor|\{\{/);
  });

  it('refuses what cannot work, naming the fix', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--set', 'replicaCount=2'],
        /replicaCount 2 needs store\.engine postgres: the embedded DuckDB store has a single writer/,
      ],
      [
        [
          '--set',
          'cronJobs[0].name=github',
          '--set',
          'cronJobs[0].schedule=*/15 * * * *',
          '--set',
          'cronJobs[0].command={collect,github}',
        ],
        /cronJobs need store\.engine postgres/,
      ],
      [['--set', 'store.engine=postgres'], /store\.engine postgres needs store\.postgres\.existingSecret/],
      [
        ['-f', everything, '--set', 'serviceMonitor.tokenSecret.name='],
        /serviceMonitor\.enabled needs serviceMonitor\.tokenSecret\.name/,
      ],
      [
        ['-f', everything, '--set', 'server.allowedHosts={pitwall.example.com}'],
        /needs "\*" in server\.allowedHosts/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await template(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    // The same chart renders once the fix is applied.
    expect(
      (
        await template(
          '--set',
          'replicaCount=2',
          '--set',
          'store.engine=postgres',
          '--set',
          'store.postgres.existingSecret=db',
        )
      ).code,
    ).toBe(0);
  });

  it('rejects values of the wrong type or shape through values.schema.json', async () => {
    const cases: [string[], RegExp][] = [
      [['--set-string', 'replicaCount=2'], /replicaCount: Invalid type\. Expected: integer, given: string/],
      [['--set', 'store.engine=sqlite'], /store\.engine/],
      [
        ['--set', 'cronJobs[0].name=github', '--set', 'cronJobs[0].command={collect}'],
        /schedule is required/,
      ],
      [['--set', 'server.port=70000'], /server\.port/],
      [['--set', 'replicas=2'], /Additional property replicas is not allowed/],
    ];
    for (const [args, message] of cases) {
      const r = await template(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(/values don't meet the specifications of the schema/);
      expect(r.stderr).toMatch(message);
    }
  });

  it('sets no field Kubernetes does not know, in any rendered manifest', () => {
    const all = [...defaults, ...full];
    expect(unknownFields(mkdtempSync(join(work, 'types-')), all)).toEqual([]);
    // The same check catches a misspelt field.
    const bad = structuredClone(one(full, 'Deployment'));
    bad.spec.template.spec.containers[0].readinessProbes =
      bad.spec.template.spec.containers[0].readinessProbe;
    expect(unknownFields(mkdtempSync(join(work, 'types-')), [bad]).join('\n')).toMatch(
      /'"readinessProbes"' does not exist in type 'IContainer'/,
    );
  });

  it('validates for real: kubernetes-models rejects a manifest the chart could have got wrong', () => {
    const dep = structuredClone(one(full, 'Deployment'));
    dep.spec.replicas = 'three';
    expect(() => new Deployment(dep as never).validate()).toThrow(/replicas must be integer/);
    const cron = structuredClone(byKind(full, 'CronJob')[0]!);
    delete cron.spec.jobTemplate.spec.template.spec.containers;
    expect(() => new CronJob(cron as never).validate()).toThrow(/containers/);
  });
});
