import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validate } from 'dockerfile-utils';
import picomatch from 'picomatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';

const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** The Dockerfile's instructions, continuation lines joined, each tagged with its stage (-1 before any FROM). */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line)!;
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    out.push({ keyword, args: m[2]!.replace(/\s+/g, ' '), stage });
  }
  return out;
}

const all = instructions(dockerfile);
const finalStage = Math.max(...all.map((i) => i.stage));
const inFinal = (k: string) => all.filter((i) => i.stage === finalStage && i.keyword === k);
const globalArgs = new Map(
  all.filter((i) => i.stage === -1 && i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]),
);
const resolveArgs = (s: string) =>
  s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => globalArgs.get(a ?? b) ?? '');

describe('Dockerfile', () => {
  it('passes dockerfile-utils with no diagnostics at all', () => {
    const diagnostics = validate(dockerfile);
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage: build and production-deps stages, a runtime stage copying only their output', () => {
    const froms = all.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const stages = froms.map((f) => /\bAS (\S+)$/i.exec(f.args)?.[1]);
    expect(stages).toEqual(['build', 'deps', 'runtime']);
    const fromCopies = inFinal('COPY')
      .map((c) => /--from=(\S+)/.exec(c.args)?.[1])
      .filter(Boolean);
    expect(new Set(fromCopies)).toEqual(new Set(['build', 'deps']));
    // The build stage runs what `npm run build` needs; the runtime never installs dev dependencies.
    const runs = (stage: number) =>
      all
        .filter((i) => i.stage === stage && i.keyword === 'RUN')
        .map((i) => i.args)
        .join(' ; ');
    expect(runs(0)).toMatch(/npm ci\b/);
    expect(runs(0)).toMatch(/npm run build/);
    expect(runs(1)).toMatch(/npm ci --omit=dev/);
    expect(runs(finalStage)).not.toMatch(/npm (ci|install)/);
    // The git collector spawns git; apt's lists do not stay in the layer.
    expect(runs(finalStage)).toMatch(
      /apt-get install -y --no-install-recommends git ca-certificates && rm -rf \/var\/lib\/apt\/lists\/\*/,
    );
  });

  it('pins every base image to a full release (no latest, no bare major)', () => {
    for (const f of all.filter((i) => i.keyword === 'FROM')) {
      const image = resolveArgs(f.args.split(' ')[0]!);
      expect(image, f.args).toMatch(/^[\w./-]+(:\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$/);
      expect(image).toMatch(/^node:20\.[\d.]+-(bookworm-)?slim$/);
    }
  });

  it('runs as a non-root user, with a health check on /healthz through node, the port exposed and a data volume', () => {
    const users = inFinal('USER');
    expect(users).toHaveLength(1);
    expect(users[0]!.args).not.toMatch(/^(root|0)(:|$)/);
    const hc = inFinal('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]!.args).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    const cmd = JSON.parse(inFinal('CMD')[0]!.args) as string[];
    const port = cmd[cmd.indexOf('--port') + 1];
    expect(inFinal('EXPOSE')[0]!.args).toBe(port);
    expect(hc[0]!.args).toContain(`127.0.0.1:${port}/healthz`);
    expect(cmd.slice(0, 3)).toEqual(['serve', '--host', '0.0.0.0']);
    expect(JSON.parse(inFinal('ENTRYPOINT')[0]!.args)).toEqual(['node', 'bin/pitwall.js']);
    const volume = JSON.parse(inFinal('VOLUME')[0]!.args) as string[];
    const db = /PITWALL_DB=(\S+)/.exec(inFinal('ENV')[0]!.args)![1]!;
    expect(volume.some((v) => db.startsWith(`${v}/`))).toBe(true);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const ignored = picomatch(
      ignore.flatMap((p) => [p, `${p}/**`]),
      { dot: true },
    );
    // Local stores, secrets and installed modules never reach the build context.
    for (const p of ['node_modules', '.env', 'prod.env', 'pitwall.duckdb', '.git'])
      expect(ignored(p), p).toBe(true);
    const sources = all
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(' ').slice(0, -1));
    expect(sources.length).toBeGreaterThan(4);
    for (const s of sources) {
      expect(existsSync(join(root, s)), s).toBe(true);
      expect(ignored(s), `${s} is in .dockerignore`).toBe(false);
    }
    // package.json "files" is what a published package ships: the runtime stage holds the same.
    const files = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files;
    const runtimeCopied = inFinal('COPY').map((c) => c.args.split(' ').at(-1)!.replace(/^\.\//, ''));
    for (const f of files) expect(runtimeCopied, f).toContain(f);
  });
});

describe('the Dockerfile HEALTHCHECK command, run with node against a real server', () => {
  let t: TestStore;
  let server: RunningServer;
  let script: string;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    server = await startServer({
      store: t.store,
      config: testConfig(),
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
    const args = JSON.parse(/CMD (\[.*\])$/.exec(inFinal('HEALTHCHECK')[0]!.args)![1]!) as string[];
    expect(args.slice(0, 2)).toEqual(['node', '-e']);
    script = args[2]!.replace('http://127.0.0.1:4100', server.url);
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('exits 0 while the store answers and 1 once it is closed', async () => {
    await expect(run(process.execPath, ['-e', script])).resolves.toBeDefined();
    await t.store.close();
    await expect(run(process.execPath, ['-e', script])).rejects.toMatchObject({ code: 1 });
  });

  it('exits 1 when nothing listens', async () => {
    await server.close();
    await expect(run(process.execPath, ['-e', script])).rejects.toMatchObject({ code: 1 });
  });
});
