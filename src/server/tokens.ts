import { createHash, randomBytes } from 'node:crypto';
import { invalidArgument, PitwallError } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import { SCOPES, type Principal, type Scope } from './context.js';

export interface TokenInfo {
  id: string;
  name: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const PREFIX = 'pw_';
/** last_used_at is written at most this often per token: a write per request would cost more than the read. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Verified tokens by store, for DuckDB only. Its file has one writer, this process (another one
 * gets store_locked), so every revocation goes through `revoke()` here, which empties the cache
 * of that store: remembering is then exact, and spares a lookup (about 2 ms on DuckDB) per
 * request. PostgreSQL is shared by replicas and the CLI: there every request looks the token up.
 */
const verified = new WeakMap<Store, Map<string, Principal | null>>();
const CACHE_MAX = 10_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function parseScopes(raw: readonly string[]): Scope[] {
  const bad = raw.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length || raw.length === 0)
    throw invalidArgument(`scopes must be one or more of ${SCOPES.join(', ')}; got ${JSON.stringify(raw)}`, {
      field: 'scopes',
    });
  return [...new Set(raw as Scope[])];
}

/** API tokens kept as sha256 hashes: the raw token is shown once, at creation, and never stored. */
export class TokenStore {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(name: string, scopes: readonly string[]): Promise<{ id: string; token: string }> {
    if (!name.trim()) throw invalidArgument('a token needs a name (what or who uses it)', { field: 'name' });
    const valid = parseScopes(scopes);
    const id = randomBytes(6).toString('hex');
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.store.transaction((tx) =>
      tx.query(
        'insert into api_tokens (id, name, token_hash, scopes, created_at) values ($1, $2, $3, $4, $5::timestamp)',
        [id, name.trim(), hashToken(token), JSON.stringify(valid), this.clock()],
      ),
    );
    return { id, token };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.store.query<Omit<TokenInfo, 'scopes'> & { scopes: string }>(
      'select id, name, scopes, created_at, last_used_at, revoked_at from api_tokens order by created_at, id',
    );
    return rows.map((r) => ({ ...r, scopes: JSON.parse(r.scopes) as Scope[] }));
  }

  async revoke(id: string): Promise<void> {
    const found = await this.store.query('select id from api_tokens where id = $1', [id]);
    if (!found.length)
      throw new PitwallError('not_found', `no token with id ${id} (see: pitwall token list)`);
    await this.store.transaction((tx) =>
      tx.query('update api_tokens set revoked_at = coalesce(revoked_at, $2::timestamp) where id = $1', [
        id,
        this.clock(),
      ]),
    );
    verified.get(this.store)?.clear();
  }

  /**
   * The caller a bearer token stands for, or null when it is unknown or revoked. On PostgreSQL
   * looked up on every request (by the unique token_hash index): a revocation made through any
   * replica or the CLI holds from the next request on. On DuckDB, see `verified`.
   */
  async verify(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const now = Date.now();
    const cache = this.cache();
    if (cache?.has(hash)) {
      const hit = cache.get(hash)!;
      if (hit) await this.touch(hit.tokenId!, now);
      return hit;
    }
    const [row] = await this.store.query<{ id: string; scopes: string; revoked_at: Date | null }>(
      'select id, scopes, revoked_at from api_tokens where token_hash = $1',
      [hash],
    );
    const principal =
      row && !row.revoked_at ? { tokenId: row.id, scopes: JSON.parse(row.scopes) as Scope[] } : null;
    if (cache) {
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(hash, principal);
    }
    if (principal) await this.touch(principal.tokenId!, now);
    return principal;
  }

  private cache(): Map<string, Principal | null> | null {
    if (this.store.kind !== 'duckdb') return null;
    let c = verified.get(this.store);
    if (!c) verified.set(this.store, (c = new Map()));
    return c;
  }

  private async touch(id: string, now: number): Promise<void> {
    if (now - (this.touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    await this.store.transaction((tx) =>
      tx.query('update api_tokens set last_used_at = $2::timestamp where id = $1', [id, this.clock()]),
    );
  }
}

export function hasScope(p: Principal, needed: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(needed);
}
