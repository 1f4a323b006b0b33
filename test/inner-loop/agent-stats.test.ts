import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendHistory } from '../../src/agent/history.js';
import type { CommandRecord } from '../../src/agent/enrich.js';
import type { AgentStats } from '../../src/cli/commands/agent-stats.js';
import { cli } from '../helpers/cli.js';

/**
 * `pitwall agent stats`: one developer's own numbers from the history the agent keeps
 * (<spool_dir>/history/YYYY-MM-DD.jsonl, written here with the agent's own appendHistory), read
 * with the dashboard's report and no k-anonymity rule (one person's data shows).
 */
const H = 3_600_000;
const now = Date.now();
let seq = 0;
function rec(command: string, category: string, ms: number, o: Partial<CommandRecord> = {}): CommandRecord {
  seq++;
  return {
    kind: 'command',
    id: `laptop-s1-${seq}`,
    user_name: 'ada',
    host: 'laptop',
    command,
    category,
    cwd: '/home/ada/src/api',
    repo: 'acme/api',
    exit_code: 0,
    started_at: new Date(now - (seq % 5) * 24 * H - 2 * H).toISOString(),
    duration_ms: ms,
    network_ms: null,
    network_rx_bytes: null,
    network_tx_bytes: null,
    shell: 'bash',
    session: 's1',
    ...o,
  };
}

describe('pitwall agent stats', () => {
  let home: string;
  const env = () => ({ HOME: home, XDG_STATE_HOME: join(home, 'state') });
  const tests = [60_000, 62_000, 64_000, 66_000, 300_000, 61_000, 63_000];
  const records: CommandRecord[] = [];
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'pitwall-stats-'));
    for (const [i, ms] of tests.entries())
      records.push(rec(`npm test -- --shard ${i}`, 'test', ms, { exit_code: i === 4 ? 1 : 0 }));
    for (let i = 0; i < 4; i++) records.push(rec('cargo build --release', 'build', 20_000 + i * 1000));
    records.push(rec('npm ci', 'install', 40_000, { network_ms: 30_000 }));
    records.push(rec('npm ci', 'install', 20_000, { network_ms: 5_000 }));
    records.push(rec('git status', 'git', 50, { repo: null, cwd: '/home/ada' }));
    const dir = join(home, 'state', 'pitwall', 'history');
    appendHistory(dir, records);
    // At least once: a retried batch appends the same records again; each counts once.
    appendHistory(dir, records.slice(0, 3));
    // Older than the window: not counted with --days 7.
    appendHistory(dir, [
      rec('npm test', 'test', 999_000, { started_at: new Date(now - 10 * 24 * H).toISOString() }),
    ]);
    // A line cut by a crash mid-write.
    appendFileSync(
      join(dir, `${new Date(now).toISOString().slice(0, 10)}.jsonl`),
      '{"kind":"command","id":"cut',
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('--json: the report over the history, one developer shown, duplicates once, the cut line skipped', async () => {
    const r = await cli(['agent', 'stats', '--json', '--days', '7'], { cwd: home, env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as AgentStats;
    expect(s.history.commands).toBe(records.length + 1);
    expect(s.history.skipped).toBe(1);
    const m = s.report.summary;
    expect(m.withheld).toBeNull();
    expect(m.people).toBe(1);
    expect(m.runs).toBe(records.length);
    expect(s.report.minPeople).toBe(1);
    // npm test: median of the seven runs (63 s), one failed; cargo build: 21.5 s.
    const npmTest = s.report.chokepoints.find((c) => c.program === 'npm test')!;
    expect(npmTest.repo).toBe('acme/api');
    expect(npmTest.runs).toBe(7);
    expect(npmTest.p50Seconds).toBeCloseTo(63, 9);
    expect(npmTest.failureRate).toBeCloseTo(1 / 7, 9);
    expect(npmTest.runsPerDay).toBeCloseTo(1, 9);
    expect(npmTest.hoursPerWeek).toBeCloseTo(tests.reduce((a, b) => a + b, 0) / H, 9);
    expect(s.report.chokepoints[0]!.program).toBe('npm test');
    const cargo = s.report.chokepoints.find((c) => c.program === 'cargo build')!;
    expect(cargo.p50Seconds).toBeCloseTo(21.5, 9);
    expect(s.report.chokepoints.find((c) => c.program === 'git status')!.repo).toBeNull();
    // Tests and builds: 10 of 11 succeeded; installs: 35 s of 60 s with network.
    expect(m.testBuildSuccessRate).toBeCloseTo(10 / 11, 9);
    expect(m.installNetworkShare).toBeCloseTo(35 / 60, 9);
    expect(m.installsMeasured).toBe(2);
    expect(s.report.chokepointsWithheld.groups).toBe(0);
  });

  it('text: the headline and the chokepoint sentences', async () => {
    const r = await cli(['agent', 'stats'], { cwd: home, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Your inner loop, last 7 days (');
    expect(r.stdout).toMatch(/1\. `npm test` in acme\/api: p50 1\.1 min x 1\.0 runs a day = /);
    expect(r.stdout).toContain('tests and builds: 90.9% succeeded');
    expect(r.stdout).toContain('1 unreadable lines skipped');
  });

  it('--days 30 takes the older command in; a bad --days exits 2', async () => {
    const r = await cli(['agent', 'stats', '--json', '--days', '30'], { cwd: home, env: env() });
    expect((JSON.parse(r.stdout) as AgentStats).report.summary.runs).toBe(records.length + 1);
    for (const bad of ['0', 'x', '1.5']) {
      const b = await cli(['agent', 'stats', '--days', bad], { cwd: home, env: env() });
      expect(b.code, bad).toBe(2);
      expect(b.stderr).toMatch(/--days/);
    }
  });

  it('no history yet: says where it comes from, exit 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pitwall-stats-empty-'));
    try {
      const r = await cli(['agent', 'stats'], { cwd: empty, env: { HOME: empty } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('No commands in this window');
      expect(r.stdout).toContain('pitwall agent sync');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
