import type { RecordInput } from '../../src/domain/records.js';
import type { RestUser } from './model.js';

/** How demo records become GitHub objects; the quirks mirror what real recorded data has. */
export interface DemoQuirks {
  /** GitHub writes whole seconds; off by default so a collector can recover demo times exactly. */
  wholeSeconds?: boolean;
  /** Older GitHub served jobs without `created_at`. */
  jobsWithoutCreatedAt?: boolean;
  /** Write step times in this local offset (e.g. "+09:00"), as real job payloads do. */
  stepOffset?: string | null;
}

export type Instant = string | number | Date;
export type PullRecord = RecordInput<'pull_request'>;
export type ReviewRecord = RecordInput<'review'>;
export type RunRecord = RecordInput<'pipeline_run'>;
export type JobRecord = RecordInput<'pipeline_job'>;
export type DeploymentRecord = RecordInput<'deployment'>;
export type IncidentRecord = RecordInput<'incident'>;

export const ms = (v: Instant): number => (v instanceof Date ? v.getTime() : new Date(v).getTime());

/** Shared state of one conversion: id sequences (deterministic: records arrive in a fixed order). */
export class DemoBuild {
  private readonly seqs = new Map<string, number>();
  private readonly users = new Map<string, RestUser>();

  constructor(
    readonly org: string,
    readonly quirks: DemoQuirks,
    readonly apiUrl: string,
  ) {}

  next(kind: string, start: number): number {
    const n = (this.seqs.get(kind) ?? start) + 1;
    this.seqs.set(kind, n);
    return n;
  }

  time(v: Instant): string;
  time(v: Instant | null | undefined): string | null;
  time(v: Instant | null | undefined): string | null {
    if (v === null || v === undefined) return null;
    // GitHub writes whole seconds: milliseconds appear only where the demo has them (exact truth).
    const iso = new Date(ms(v)).toISOString().replace(/\.000Z$/, 'Z');
    return this.quirks.wholeSeconds ? iso.replace(/\.\d{3}Z$/, 'Z') : iso;
  }

  /** A time in a fixed local offset, formatted like GitHub's step times ("2023-08-26T00:57:58.000+09:00"). */
  localTime(v: number): string {
    const offset = this.quirks.stepOffset;
    if (!offset) return this.time(v);
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
    if (!m) throw new Error(`stepOffset ${offset} is not an offset like +09:00`);
    const shift = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
    return new Date(v + shift).toISOString().replace('Z', offset);
  }

  /** The same login always gets the same user object and id, as on GitHub. */
  user(login: string): RestUser {
    let u = this.users.get(login);
    if (!u)
      this.users.set(
        login,
        (u = { login, id: this.next('user', 1000), type: login.endsWith('[bot]') ? 'Bot' : 'User' }),
      );
    return u;
  }

  email(login: string): string {
    const u = this.user(login);
    return u.type === 'Bot' ? `${u.id}+${login}@users.noreply.github.com` : `${login}@demo.example`;
  }
}
