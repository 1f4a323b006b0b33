import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { copilotDay, startCopilotServer, type CopilotServer } from './server.js';

const TOKEN = 'ghp_copilotreader0123456789abcdefABCDEF';
const ORG = 'acme';

/** Day n of January 2026: vscode with two models on python, jetbrains on java. */
const day = (n: number) =>
  copilotDay({
    date: `2026-01-${String(n).padStart(2, '0')}`,
    active: 40 + n,
    engaged: 30 + n,
    chatEngaged: 12,
    editors: {
      vscode: {
        engaged: 20,
        models: {
          default: { python: [9, 100 * n, 30 * n, 150, 45], typescript: [11, 80, 20, 120, 30] },
          'acme-tuned': { python: [4, 10, 5, 15, 6] },
        },
      },
      jetbrains: { engaged: 7, models: { default: { java: [7, 50, 10, 70, 12] } } },
      // Two people: their editor, language and counts are never stored.
      neovim: { engaged: 2, models: { default: { rust: [2, 30, 9, 40, 10] } } },
    },
  });

type Point = { name: string; day: string; value: number; tags: Record<string, string> };

describe.each(ENGINES)('pitwall collect copilot on %s', (engine) => {
  let t: TestStore;
  let gh: CopilotServer;
  let dir: string;
  const run = (args: string[] = [], env: Record<string, string> = {}) =>
    cli(
      ['collect', 'copilot', '--option', `org=${ORG}`, '--option', `api_url=${gh.url}`, ...args, '--json'],
      {
        cwd: dir,
        env: { ...storeEnv(t), GITHUB_TOKEN: TOKEN, PITWALL_GITHUB_RETRY_BASE_MS: '1', ...env },
      },
    );
  const points = async (): Promise<Point[]> =>
    (
      await queryOnce<{ name: string; occurred_at: unknown; value: number; tags: string }>(
        t,
        `select name, occurred_at, value, tags from metric_points where name like 'copilot.%' order by name, occurred_at, tags`,
      )
    ).map((r) => ({
      name: r.name,
      day: new Date(r.occurred_at as string).toISOString(),
      value: Number(r.value),
      tags: JSON.parse(r.tags) as Record<string, string>,
    }));
  const find = (ps: Point[], name: string, dayN: number, tags: Record<string, string>) =>
    ps.filter(
      (p) =>
        p.name === name &&
        p.day === `2026-01-${String(dayN).padStart(2, '0')}T00:00:00.000Z` &&
        JSON.stringify(Object.entries(p.tags).sort()) ===
          JSON.stringify(Object.entries({ org: ORG, ...tags }).sort()),
    );

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-copilot-'));
    writeFileSync(join(dir, 'pitwall.yaml'), '{}\n');
    gh = await startCopilotServer({ org: ORG, token: TOKEN });
  });
  afterEach(async () => {
    await gh.stop();
    rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it('writes daily users, and suggestions by editor and language summed over models; teams tagged; a small team withheld', async () => {
    gh.days = [day(5), day(6), day(7)];
    gh.teams = { payments: [day(6)], tiny: 'too_small' };
    gh.seats = 60;
    const r = await run(['--option', 'teams=payments,tiny']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('teams_withheld');
    // neovim, rust and neovim/rust on each of 3 org days and 1 team day.
    expect(r.stdout).toMatch(/"breakdowns_withheld":\s*12/);
    expect(r.stdout).toContain('tiny');
    const ps = await points();
    expect(find(ps, 'copilot.active_users', 6, {}).map((p) => p.value)).toEqual([46]);
    expect(find(ps, 'copilot.engaged_users', 6, {}).map((p) => p.value)).toEqual([36]);
    expect(find(ps, 'copilot.active_users', 6, { team: 'payments' }).map((p) => p.value)).toEqual([46]);
    // python in vscode: the two models' counts added, engaged users the larger model's.
    expect(find(ps, 'copilot.suggestions', 7, { editor: 'vscode', language: 'python' })[0]?.value).toBe(710);
    expect(find(ps, 'copilot.acceptances', 7, { editor: 'vscode', language: 'python' })[0]?.value).toBe(215);
    expect(find(ps, 'copilot.lines_suggested', 5, { editor: 'vscode', language: 'python' })[0]?.value).toBe(
      165,
    );
    expect(find(ps, 'copilot.lines_accepted', 5, { editor: 'vscode', language: 'python' })[0]?.value).toBe(
      51,
    );
    expect(find(ps, 'copilot.suggestions', 5, { editor: 'jetbrains', language: 'java' })[0]?.value).toBe(50);
    expect(
      find(ps, 'copilot.engaged_users', 5, {
        feature: 'code_completions',
        editor: 'vscode',
        language: 'python',
      })[0]?.value,
    ).toBe(9);
    expect(
      find(ps, 'copilot.engaged_users', 5, { feature: 'code_completions', editor: 'jetbrains' })[0]?.value,
    ).toBe(7);
    expect(find(ps, 'copilot.engaged_users', 5, { feature: 'ide_chat' })[0]?.value).toBe(12);
    expect(find(ps, 'copilot.engaged_users', 5, { feature: 'dotcom_chat' })[0]?.value).toBe(2);
    expect(ps.filter((p) => p.tags.editor === 'neovim' || p.tags.language === 'rust')).toEqual([]);
    // Nothing of the withheld team, and the days of the org are exactly the three served.
    expect(ps.some((p) => p.tags.team === 'tiny')).toBe(false);
    expect([
      ...new Set(ps.filter((p) => p.name === 'copilot.active_users' && !p.tags.team).map((p) => p.day)),
    ]).toEqual(['2026-01-05T00:00:00.000Z', '2026-01-06T00:00:00.000Z', '2026-01-07T00:00:00.000Z']);
    const seats = ps.filter((p) => p.name === 'copilot.seats');
    expect(seats.map((p) => [p.value, p.tags])).toEqual([[60, { org: ORG }]]);
    expect(JSON.stringify(ps)).not.toContain(TOKEN);
  });

  it('a re-run asks only for the days after its cursor and adds only those', async () => {
    gh.days = [day(5), day(6)];
    expect((await run()).code).toBe(0);
    const before = (await points()).length;
    gh.days = [day(5), day(6), day(7)];
    gh.hits.length = 0;
    const again = await run();
    expect(again.code).toBe(0);
    const asked = gh.hits.find((h) => h.path === `/orgs/${ORG}/copilot/metrics`)!;
    expect(asked.query.get('since')).toBe('2026-01-07T00:00:00.000Z');
    const after = await points();
    const newDay = after.filter((p) => p.day === '2026-01-07T00:00:00.000Z');
    expect(after.length - before).toBe(newDay.length);
    expect(newDay.length).toBeGreaterThan(10);
    // Without the billing scope there is no seat point, and the run still succeeds.
    expect(after.some((p) => p.name === 'copilot.seats')).toBe(false);
  });

  it('retries a 5xx; a disabled metrics policy or a missing token fails clearly and writes nothing', async () => {
    gh.days = [day(5)];
    gh.faults.push({ path: /copilot\/metrics$/, status: 502, times: 1 });
    expect((await run()).code).toBe(0);
    expect(gh.faults[0]!.times).toBe(0);
    expect((await points()).length).toBeGreaterThan(0);

    const t2 = await openTestStore(engine);
    await t2.store.close();
    try {
      const other = (env: Record<string, string>) =>
        cli(['collect', 'copilot', '--option', `org=${ORG}`, '--option', `api_url=${gh.url}`, '--json'], {
          cwd: dir,
          env: { ...storeEnv(t2), GITHUB_TOKEN: TOKEN, PITWALL_GITHUB_RETRY_BASE_MS: '1', ...env },
        });
      gh.policyDisabled = true;
      const off = await other({});
      expect(off.code).not.toBe(0);
      expect(off.stderr).toMatch(/422 .*enable "Copilot Metrics API access"/);
      const none = await other({ GITHUB_TOKEN: '' });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no GitHub credentials: set GITHUB_TOKEN/);
      const bad = await cli(['collect', 'copilot', '--option', 'org=acme', '--option', 'teams=a b'], {
        cwd: dir,
        env: { ...storeEnv(t2), GITHUB_TOKEN: TOKEN },
      });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/teams.*expected team slugs/);
      const wrong = await other({ GITHUB_TOKEN: 'ghp_wrong' });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr + wrong.stdout).not.toContain('ghp_wrong');
      const rows = await queryOnce<{ n: number }>(t2, `select count(*) as n from metric_points`);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await t2.cleanup();
    }
  });
});

describe('copilot jobs in pitwall.yaml', () => {
  const load = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-copilot-config-'));
    try {
      writeFileSync(join(dir, 'pitwall.yaml'), yaml);
      return loadConfig({ cwd: dir, env: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it('takes teams as a list or a comma list, and names the key of a bad slug', () => {
    const job = (teams: string) =>
      `collectors:\n  - { id: copilot, schedule: "0 6 * * *", options: { org: acme, teams: ${teams} } }\n`;
    expect(() => load(job('[payments, platform]'))).not.toThrow();
    expect(() => load(job('"payments,platform"'))).not.toThrow();
    expect(() => load(job('["pay ments"]'))).toThrow(/collectors\.0\.options\.teams.*expected team slugs/);
  });
});
