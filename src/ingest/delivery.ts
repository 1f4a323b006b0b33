import { createHash } from 'node:crypto';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import { ingest } from './ingest.js';

/**
 * Deployments and incidents recorded one at a time, by `pitwall record` and by the server's
 * endpoints for CD tools. Ids derive from the fields when none is given, so a retried call
 * records nothing twice. Callers run (or request) enrichment afterwards.
 */
const derivedId = (...parts: string[]) =>
  createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 12);

export interface DeploymentInput {
  service: string;
  environment: string;
  sha: string;
  /** When it finished (or now, for one in progress). */
  at: Date;
  startedAt: Date;
  status: string;
  repo: string | null;
  id?: string;
  /** Where it came from, e.g. 'manual' or 'api'; also the derived id's prefix. */
  source: string;
}

export async function recordDeployment(store: Store, d: DeploymentInput): Promise<string> {
  const id = d.id ?? `${d.source}-${derivedId(d.service, d.environment, d.sha, d.at.toISOString())}`;
  await ingest(store, [
    {
      kind: 'deployment',
      id,
      service: d.service,
      environment: d.environment,
      repo: d.repo,
      sha: d.sha,
      started_at: d.startedAt,
      finished_at: d.status === 'in_progress' ? null : d.at,
      status: d.status,
      source: d.source,
    },
  ]);
  return id;
}

export interface IncidentInput {
  service: string;
  at: Date;
  severity: string | null;
  title: string;
  deployment: string | null;
  id?: string;
  source: string;
}

export async function openIncident(store: Store, i: IncidentInput): Promise<string> {
  if (i.deployment) {
    const found = await store.query(`select id from deployments where id = $1`, [i.deployment]);
    if (!found.length)
      throw invalidArgument(
        `deployment ${i.deployment}: no such deployment (list them with pitwall dora explain)`,
        {
          field: 'deployment',
        },
      );
  }
  const id = i.id ?? `inc-${derivedId(i.service, i.at.toISOString(), i.title)}`;
  await ingest(store, [
    {
      kind: 'incident',
      id,
      service: i.service,
      severity: i.severity,
      title: i.title,
      opened_at: i.at,
      resolved_at: null,
      caused_by_deployment: i.deployment,
      source: i.source,
    },
  ]);
  return id;
}

export async function resolveIncident(store: Store, id: string, at: Date): Promise<void> {
  const [row] = await store.query<Record<string, unknown> & { opened_at: Date }>(
    `select * from incidents where id = $1`,
    [id],
  );
  if (!row)
    throw new PitwallError(
      'not_found',
      `no incident with id ${id}: open it first (pitwall record incident open)`,
    );
  if (at < row.opened_at)
    throw invalidArgument(
      `${at.toISOString()} is before the incident was opened (${row.opened_at.toISOString()})`,
      {
        field: 'at',
      },
    );
  await ingest(store, [{ ...row, kind: 'incident', resolved_at: at }]);
}
