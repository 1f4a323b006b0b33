import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPaths } from '../src/agent/paths.js';
import { completeLines, listSpoolFiles } from '../src/agent/spool-files.js';
import { formatSpoolLine, parseSpoolLine } from '../src/agent/spool-line.js';
import { runSync } from '../src/agent/sync.js';
import { syncOnce } from '../src/cli/commands/agent-sink.js';
import { loadConfig } from '../src/plugins.js';
import { openStore } from '../src/store/open.js';
import { fmt, timeIt, type BenchResult } from './harness.js';

const LINES = 200_000;
const SESSIONS = 20;
const GOAL = 50_000;

const COMMANDS = [
  'npm test',
  'npm run build',
  'git status',
  'git commit -m "wip"',
  'cargo build --release',
  'go test ./...',
  'pytest -x tests/',
  'docker build -t api .',
  'curl -H "Authorization: Bearer abc.def.ghi" https://api.example.com/v1',
  'export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345',
  'ls -la',
  'vim src/index.ts',
];

/** A spool as a fleet laptop has it after a long offline stretch: many sessions, repos, tools. */
function buildSpool(root: string): void {
  const repos = Array.from({ length: 10 }, (_, i) => {
    const dir = join(root, 'src', `repo${i}`);
    mkdirSync(join(dir, '.git'), { recursive: true });
    mkdirSync(join(dir, 'pkg', 'sub'), { recursive: true });
    writeFileSync(
      join(dir, '.git', 'config'),
      `[remote "origin"]\n\turl = git@github.com:acme/repo${i}.git\n`,
    );
    return dir;
  });
  const cwds = repos.flatMap((r) => [r, join(r, 'pkg'), join(r, 'pkg', 'sub')]).concat([root]);
  const perSession = LINES / SESSIONS;
  const t0 = Date.UTC(2026, 10, 1);
  for (let s = 0; s < SESSIONS; s++) {
    const session = `${4_190_000 + s}-1700000000000000`;
    const lines: string[] = [];
    for (let i = 0; i < perSession; i++)
      lines.push(
        formatSpoolLine({
          shell: s % 2 ? 'zsh' : 'bash',
          host: 'laptop-1',
          session,
          seq: i + 1,
          startedAt: new Date(t0 + (i * SESSIONS + s) * 1000),
          durationMs: (i % 97) * 13.7,
          exitCode: i % 11 === 0 ? 1 : 0,
          user: 'ada',
          cwd: cwds[(i + s) % cwds.length]!,
          // A third of the lines are one of a kind (a message, a file): the rest repeat, as
          // developers' commands do.
          command:
            i % 3 === 0
              ? `git commit -m "fix ${s}-${i}" && vim src/file${i}.ts`
              : COMMANDS[(i * 7 + s) % COMMANDS.length]!,
        }),
      );
    writeFileSync(join(root, 'spool', 'commands', `${session}.spool`), lines.join('\n') + '\n');
  }
}

/**
 * `pitwall agent sync` from spool to a local DuckDB store (read, parse, enrich, redact, ingest
 * in batches, offsets and history written after each batch, enrichment after), against just
 * reading and parsing the same spool: the part no agent can avoid.
 */
export async function agentSyncBench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-agent-'));
  const lines: string[] = [];
  try {
    mkdirSync(join(dir, 'spool', 'commands'), { recursive: true });
    buildSpool(dir);
    writeFileSync(join(dir, 'pitwall.yaml'), `agent:\n  spool_dir: ${JSON.stringify(join(dir, 'spool'))}\n`);
    const env = { HOME: dir, PITWALL_DB: join(dir, 'bench.duckdb') };
    const cfg = loadConfig({ cwd: dir, env });
    const paths = agentPaths(cfg.agent, env);
    // Migrate the store first: the schema is not the sync's cost.
    await (await openStore({ duckdbPath: env.PITWALL_DB })).close();

    const baseline = await timeIt(() => {
      let n = 0;
      for (const f of listSpoolFiles(paths.root))
        for (const l of completeLines(f.abs, 0, f.size)) if (parseSpoolLine(l.text).ok) n++;
      return n;
    });
    // The agent's own part: the same sync into a sink that acknowledges and discards, on a copy.
    const copy = join(dir, 'copy');
    cpSync(join(dir, 'spool'), join(copy, 'spool'), { recursive: true });
    const copyPaths = agentPaths({ spool_dir: join(copy, 'spool') }, env);
    const agentOnly = await timeIt(() =>
      runSync({
        cfg: cfg.agent,
        paths: copyPaths,
        env,
        sink: { name: 'discard', ship: async () => undefined },
      }),
    );
    const sync = await timeIt(() => syncOnce(cfg, paths, env));
    if (sync.value.error) throw new Error(`sync failed: ${sync.value.error}`);
    if (sync.value.commands !== LINES || baseline.value !== LINES)
      throw new Error(`expected ${LINES} commands, synced ${sync.value.commands}, parsed ${baseline.value}`);
    const again = await timeIt(() => syncOnce(cfg, paths, env));
    const rate = LINES / (sync.ms / 1000);
    lines.push(
      `spool: ${LINES} lines in ${SESSIONS} session files, 10 repositories`,
      `baseline (read + parse only): ${fmt(baseline.ms)} ms = ${Math.round(LINES / (baseline.ms / 1000))} lines/s`,
      `agent sync to local DuckDB: ${fmt(sync.ms)} ms = ${Math.round(rate)} commands/s (${fmt(sync.ms / baseline.ms, 1)}x the baseline; goal >= ${GOAL}/s: ${rate >= GOAL ? 'met' : 'NOT met'})`,
      `of which the agent's part (same sync, a sink that discards): ${fmt(agentOnly.ms)} ms = ${Math.round(LINES / (agentOnly.ms / 1000))} commands/s (${fmt(agentOnly.ms / baseline.ms, 1)}x the baseline); the rest is the store's write`,
      `sync with nothing new: ${fmt(again.ms)} ms (${again.value.commands} commands)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'agent-sync', lines };
}
