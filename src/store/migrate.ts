import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** Both the sources and the build keep migrations at src/store/migrations. */
const migrationsDir = [join(here, 'migrations'), join(here, '..', '..', 'src', 'store', 'migrations')].find(
  (d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.sql'));
    } catch {
      return false;
    }
  },
);

/** Splits a migration file into statements (our files keep `;` out of strings and comments). */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function loadMigrations(dir = migrationsDir): Migration[] {
  if (!dir) throw new Error('migrations folder not found beside the store module');
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.split('_')[0]),
      name: f.replace(/\.sql$/, ''),
      statements: splitStatements(readFileSync(join(dir, f), 'utf8')),
    }));
}

export const MIGRATIONS_TABLE = `create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamp not null)`;
