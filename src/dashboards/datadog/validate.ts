import { v1 } from '@datadog/datadog-api-client';
import { invalidArgument } from '../../errors/errors.js';

/**
 * A dashboard body checked with the official client's own models: `ObjectSerializer` throws on
 * a missing required field and marks what matches no model (`_unparsed`: an unknown widget
 * type, an enum value Datadog does not know); a field no model declares lands in
 * `additionalProperties`. Returns the problems, each with its JSON path.
 */
export function dashboardProblems(body: unknown): string[] {
  let model: unknown;
  try {
    model = v1.ObjectSerializer.deserialize(body, 'Dashboard', '');
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  walk(model, '$', problems);
  return problems;
}

function walk(v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`, out));
  if (typeof v !== 'object' || v === null || v instanceof Date) return;
  const o = v as Record<string, unknown>;
  if ('_data' in o && o.constructor?.name === 'UnparsedObject') {
    out.push(`${path}: ${JSON.stringify(o['_data']).slice(0, 120)} matches no model of the Datadog client`);
    return;
  }
  const extra = o['additionalProperties'];
  if (extra && typeof extra === 'object' && Object.keys(extra).length)
    out.push(`${path}: unknown field(s) ${Object.keys(extra).join(', ')}`);
  for (const [k, x] of Object.entries(o))
    if (k !== 'additionalProperties' && k !== '_unparsed') walk(x, `${path}.${k}`, out);
}

/** Throws the problems (a generated dashboard the client would not accept is our bug, named). */
export function assertValidDashboard(body: unknown, what: string): void {
  const problems = dashboardProblems(body);
  if (problems.length)
    throw invalidArgument(
      `${what} is not a Datadog dashboard the official client accepts: ${problems.join('; ')}`,
    );
}

/** A body as the client's model (what DashboardsApi takes). */
export function toModel(body: unknown): v1.Dashboard {
  return v1.ObjectSerializer.deserialize(body, 'Dashboard', '') as v1.Dashboard;
}

/** A model back to API JSON (snake_case), as build writes it. */
export function toJson(model: v1.Dashboard): Record<string, unknown> {
  return v1.ObjectSerializer.serialize(model, 'Dashboard', '') as Record<string, unknown>;
}
