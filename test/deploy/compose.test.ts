import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';

/**
 * No container engine runs here and no npm package of the Compose specification's JSON schema is
 * installed, so the file is checked for the structure the specification defines (the keys used
 * are the spec's) and for what this deployment needs; `docker compose config` is the check to
 * run where Docker is.
 */
const root = join(import.meta.dirname, '..', '..');
const deploy = join(root, 'deploy');
const text = readFileSync(join(deploy, 'compose.yaml'), 'utf8');
const compose = parse(text) as Compose;

interface Healthcheck {
  test: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  [k: string]: unknown;
}
interface Compose {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [k: string]: unknown;
}

// From the Compose specification (compose-spec.io): top-level and service keys this file may use.
const TOP = new Set(['name', 'services', 'volumes', 'networks', 'secrets', 'configs', 'include']);
const SERVICE = new Set([
  'image',
  'build',
  'restart',
  'command',
  'entrypoint',
  'depends_on',
  'env_file',
  'environment',
  'volumes',
  'ports',
  'read_only',
  'tmpfs',
  'healthcheck',
  'user',
  'secrets',
  'networks',
]);
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;
const envFiles = (s: Service) => (s.env_file === undefined ? [] : [s.env_file].flat());
const dockerfileHealthcheck = () =>
  /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))![1]!;

describe('deploy/compose.yaml', () => {
  it('uses only Compose specification keys, with valid durations and healthchecks', () => {
    for (const k of Object.keys(compose)) expect(TOP, k).toContain(k);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const k of Object.keys(s)) expect(SERVICE, `${name}.${k}`).toContain(k);
      expect(s.image ?? s.build, `${name} needs an image or a build`).toBeDefined();
      const hc = s.healthcheck!;
      expect(hc, `${name} has a healthcheck`).toBeDefined();
      expect(['CMD', 'CMD-SHELL']).toContain([hc.test].flat()[0]);
      for (const d of [hc.interval, hc.timeout, hc.start_period]) expect(d).toMatch(DURATION);
      expect(Number.isInteger(hc.retries)).toBe(true);
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        // A named volume is declared at the top; a bind mount is a file of this folder.
        if (!source.startsWith('.')) expect(Object.keys(compose.volumes ?? {})).toContain(source);
        else expect(existsSync(join(deploy, source)), v).toBe(true);
      }
      for (const dep of Object.keys(s.depends_on ?? {})) {
        expect(Object.keys(compose.services)).toContain(dep);
        expect(s.depends_on![dep]!.condition).toBe('service_healthy');
        expect(compose.services[dep]!.healthcheck).toBeDefined();
      }
    }
  });

  it('pins the PostgreSQL image, keeps its data on a volume and checks it with pg_isready', () => {
    const pg = compose.services.postgres!;
    expect(pg.image).toMatch(/^postgres:\d+\.\d+(-[\w]+)?$/);
    expect(pg.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect([pg.healthcheck!.test].flat().join(' ')).toContain(
      `pg_isready -U ${pg.environment!.POSTGRES_USER} -d ${pg.environment!.POSTGRES_DB}`,
    );
  });

  it('builds pitwall from the Dockerfile, waits for a healthy PostgreSQL and checks /healthz as the image does', () => {
    const p = compose.services.pitwall!;
    expect(existsSync(join(deploy, p.build!.context, p.build!.dockerfile!))).toBe(true);
    expect(p.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(p.command).toEqual(['serve', '--host', '0.0.0.0', '--port', '4100']);
    expect(p.healthcheck!.test).toEqual(['CMD', ...(JSON.parse(dockerfileHealthcheck()) as string[])]);
    expect(p.ports).toEqual(['127.0.0.1:4100:4100']);
    expect(p.read_only).toBe(true);
  });

  it('keeps secrets out of the file: they come from an env_file whose example names the database URL', () => {
    expect(text).not.toMatch(/PASSWORD\s*[:=]\s*\S|postgres:\/\/\S+:\S+@/i);
    for (const s of Object.values(compose.services)) {
      expect(envFiles(s)).toEqual(['pitwall.env']);
      for (const [k, v] of Object.entries(s.environment ?? {}))
        expect(`${k}=${v}`).not.toMatch(/PASSWORD|TOKEN|API_KEY|SECRET|DATABASE_URL/i);
    }
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toMatch(/^deploy\/pitwall\.env$/m);
    const example = Object.fromEntries(
      readFileSync(join(deploy, 'pitwall.env.example'), 'utf8')
        .split('\n')
        .filter((l) => /^\w+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const pg = compose.services.postgres!.environment!;
    const url = new URL(example.DATABASE_URL!);
    // The URL reaches the compose service by its name, as the user and database PostgreSQL creates.
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(pg.POSTGRES_USER);
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(url.password).toBe(example.POSTGRES_PASSWORD);
  });

  it('mounts a pitwall.yaml that Pitwall accepts, with the database URL taken from the environment', () => {
    const p = compose.services.pitwall!;
    const mount = p.volumes!.find((v) => v.endsWith(':ro') && v.includes(p.environment!.PITWALL_CONFIG!))!;
    const file = join(deploy, mount.split(':')[0]!);
    const cfg = loadConfig({
      cwd: deploy,
      path: file,
      env: { DATABASE_URL: 'postgres://pitwall:x@postgres:5432/pitwall' },
    });
    expect(cfg.store.database_url).toBe('postgres://pitwall:x@postgres:5432/pitwall');
    expect(cfg.server.allowed_hosts).toContain('localhost');
  });
});
