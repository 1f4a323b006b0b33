import { serveJson, type TestHttpServer } from '../incidents/http-kit.js';

/**
 * An Argo-CD-compatible stand-in for GET /api/v1/applications. No recorded Argo CD responses
 * exist: the bodies follow Argo CD's documented v1alpha1 Application (metadata, spec.source,
 * spec.destination, status.sync, status.health, status.history[], status.operationState), with
 * only the fields Pitwall reads plus a few it must ignore. The token is checked as Argo CD does:
 * a missing or wrong Bearer token gets 401 with a gRPC-gateway style error body.
 */
export interface ArgoServer extends TestHttpServer {
  apps: DemoApp[];
}

export interface DemoApp {
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

export async function startArgoServer(apps: DemoApp[], token: string): Promise<ArgoServer> {
  const server = await serveJson((hit) => {
    if (hit.authorization !== `Bearer ${token}`)
      return {
        status: 401,
        body: {
          error: 'invalid session: token is malformed',
          code: 16,
          message: 'invalid session: token is malformed',
        },
      };
    if (hit.method === 'GET' && hit.path === '/api/v1/applications')
      // Argo CD's Go server leaves `items` out when there are none.
      return {
        status: 200,
        body: { metadata: { resourceVersion: '1234' }, ...(apps.length ? { items: apps } : {}) },
      };
    return { status: 404, body: { error: 'Not Found', code: 5, message: 'Not Found' } };
  });
  return Object.assign(server, { apps });
}

const SHA = (c: string) => c.repeat(40);

interface AppSpec {
  name: string;
  namespace: string;
  cluster?: string;
  health: string;
  sync: string;
  history: { id: number; revision: string; deployedAt: string; deployStartedAt?: string }[];
  lastOp: { phase: string; startedAt: string; finishedAt: string; revision: string; message?: string };
}

export function demoApp(a: AppSpec): DemoApp {
  return {
    metadata: { name: a.name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: `https://github.com/acme/${a.name}.git`, path: 'deploy', targetRevision: 'HEAD' },
      destination: a.cluster
        ? { name: a.cluster, namespace: a.namespace }
        : { server: 'https://kubernetes.default.svc', namespace: a.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: { status: a.sync, revision: a.lastOp.revision },
      health: { status: a.health },
      history: a.history.map((h) => ({ ...h, source: { repoURL: `https://github.com/acme/${a.name}.git` } })),
      operationState: {
        operation: { sync: { revision: a.lastOp.revision }, initiatedBy: { automated: true } },
        phase: a.lastOp.phase,
        message: a.lastOp.message ?? 'successfully synced (all tasks run)',
        startedAt: a.lastOp.startedAt,
        finishedAt: a.lastOp.finishedAt,
        syncResult: { revision: a.lastOp.revision, resources: [] },
      },
      reconciledAt: a.lastOp.finishedAt,
    },
  };
}

/**
 * The demo org: checkout (prod namespace, two syncs), search (prod-eu cluster, one sync then a
 * failed one), billing (staging: not production-like), charts (prod, Helm chart versions only).
 */
export function demoApps(): DemoApp[] {
  return [
    demoApp({
      name: 'checkout',
      namespace: 'production',
      health: 'Healthy',
      sync: 'Synced',
      history: [
        {
          id: 0,
          revision: SHA('a'),
          deployStartedAt: '2026-11-30T10:00:00Z',
          deployedAt: '2026-11-30T10:01:00Z',
        },
        {
          id: 1,
          revision: SHA('b'),
          deployStartedAt: '2026-12-01T09:00:00Z',
          deployedAt: '2026-12-01T09:02:30Z',
        },
      ],
      lastOp: {
        phase: 'Succeeded',
        startedAt: '2026-12-01T09:00:00Z',
        finishedAt: '2026-12-01T09:02:30Z',
        revision: SHA('b'),
      },
    }),
    demoApp({
      name: 'search',
      namespace: 'search',
      cluster: 'prod-eu',
      health: 'Degraded',
      sync: 'OutOfSync',
      history: [
        {
          id: 3,
          revision: SHA('c'),
          deployStartedAt: '2026-11-29T08:00:00Z',
          deployedAt: '2026-11-29T08:00:40Z',
        },
      ],
      lastOp: {
        phase: 'Failed',
        startedAt: '2026-12-02T14:00:00Z',
        finishedAt: '2026-12-02T14:03:00Z',
        revision: SHA('d'),
        message: 'one or more objects failed to apply',
      },
    }),
    demoApp({
      name: 'billing',
      namespace: 'staging',
      health: 'Healthy',
      sync: 'Synced',
      history: [{ id: 0, revision: SHA('e'), deployedAt: '2026-12-01T12:00:00Z' }],
      lastOp: {
        phase: 'Succeeded',
        startedAt: '2026-12-01T11:59:00Z',
        finishedAt: '2026-12-01T12:00:00Z',
        revision: SHA('e'),
      },
    }),
    demoApp({
      name: 'charts',
      namespace: 'prod',
      health: 'Healthy',
      sync: 'Synced',
      history: [{ id: 0, revision: '1.4.2', deployedAt: '2026-12-01T13:00:00Z' }],
      lastOp: {
        phase: 'Succeeded',
        startedAt: '2026-12-01T12:59:00Z',
        finishedAt: '2026-12-01T13:00:00Z',
        revision: '1.4.2',
      },
    }),
  ];
}
