import type { Resource } from './rate-limit.js';

export interface ServerStats {
  /** Every request that reached the server, faulted or not. */
  requests: number;
  /** By GitHub route template, e.g. "GET /repos/{owner}/{repo}/actions/runs" or "POST /graphql". */
  byKind: Record<string, number>;
  /** Requests per rate-limit resource, and the points charged to it (304s and faults cost none). */
  byResource: Record<Resource, number>;
  points: Record<Resource, number>;
  byStatus: Record<string, number>;
  notModified: number;
  faults: {
    badGateway: number;
    secondaryLimit: number;
    primaryLimit: number;
    failingRepo: number;
    hangUp: number;
  };
}

export function emptyStats(): ServerStats {
  return {
    requests: 0,
    byKind: {},
    byResource: { core: 0, graphql: 0, search: 0 },
    points: { core: 0, graphql: 0, search: 0 },
    byStatus: {},
    notModified: 0,
    faults: { badGateway: 0, secondaryLimit: 0, primaryLimit: 0, failingRepo: 0, hangUp: 0 },
  };
}

/** A deep copy, so a caller's snapshot does not move while the server keeps counting. */
export const snapshot = (s: ServerStats): ServerStats => structuredClone(s);
