import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import type { ImpactReport } from '../../src/report/impact/index.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { API, impactFixture } from './fixture.js';

const LEAD = 'testenv.provision.duration_p50_minutes';

describe.each(ENGINES)('pitwall annotate and pitwall impact on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  let run: (args: string[]) => ReturnType<typeof cli>;
  let id: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    // The fixture without its annotation of the change: the CLI records that one.
    await ingest(
      t.store,
      impactFixture().filter((r) => !(r.kind === 'annotation' && r.category === 'optimisation')),
    );
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-impact-'));
    writeFileSync(join(dir, 'pitwall.yaml'), 'costs:\n  developer_hour: 90\n  currency: EUR\n');
    run = (args) => cli(args, { cwd: dir, env: storeEnv(t) });
  });
  afterAll(async () => {
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const annotations = async () =>
    Number((await queryOnce<{ n: number }>(t, 'select count(*) as n from annotations'))[0]!.n);

  it('annotate records an annotation through ingest, with its metric; --list shows it', async () => {
    const r = await run([
      'annotate',
      'Provision as soon as images are built',
      '--at',
      '2025-03-31T00:00:00Z',
      '--metric',
      LEAD,
      '--category',
      'optimisation',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    id = (JSON.parse(r.stdout) as { id: string }).id;
    expect(id).toMatch(/^ann-[0-9a-f]{12}$/);
    const [row] = await queryOnce<{ metric: string; category: string; occurred_at: Date }>(
      t,
      `select metric, category, occurred_at from annotations where id = '${id}'`,
    );
    expect(row).toEqual({
      metric: LEAD,
      category: 'optimisation',
      occurred_at: new Date('2025-03-31T00:00:00Z'),
    });
    // The same text and time again: the same id, nothing twice.
    const again = await run([
      'annotate',
      'Provision as soon as images are built',
      '--at',
      '2025-03-31T00:00:00Z',
      '--metric',
      LEAD,
      '--category',
      'optimisation',
      '--json',
    ]);
    expect((JSON.parse(again.stdout) as { id: string }).id).toBe(id);
    expect(await annotations()).toBe(2);
    const list = await run(['annotate', '--list', '--metric', LEAD, '--json']);
    expect(
      (JSON.parse(list.stdout) as { annotations: { id: string }[] }).annotations.map((a) => a.id),
    ).toEqual([id]);
    const text = await run(['annotate', '--list']);
    expect(text.stdout).toContain('Kubernetes node pool upgraded');
    expect(text.stdout).toContain('Provision as soon as images are built');
    const infra = await run(['annotate', '--list', '--category', 'infrastructure', '--json']);
    expect(
      (JSON.parse(infra.stdout) as { annotations: { title: string }[] }).annotations.map((a) => a.title),
    ).toEqual(['Kubernetes node pool upgraded']);
  });

  it('impact --annotation: JSON, markdown and table tell the same numbers, money in the configured currency', async () => {
    const base = ['impact', '--metric', LEAD, '--annotation', id, '--where', `repo=${API}`];
    const j = await run([...base, '--format', 'json']);
    expect(j.stderr).toBe('');
    expect(j.code).toBe(0);
    const r = JSON.parse(j.stdout) as ImpactReport;
    const c = r.comparisons[0]!;
    expect(r.windows.before.days).toBe(28);
    expect(c.rankTest.pValue!).toBeLessThan(0.01);
    expect(c.business!.currency).toBe('EUR');
    expect(c.business!.moneyPerYear!.value).toBeCloseTo(c.business!.hoursPerYear.value! * 90, 6);
    const md = await run([...base, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('## Provision as soon as images are built: results');
    expect(md.stdout).toContain(
      `**${Math.round(Math.abs(c.change.median.percent.value!))}% faster** (${c.before.median.value!.toFixed(1)} minutes → ${c.after.median.value!.toFixed(1)} minutes median)`,
    );
    expect(md.stdout).toContain(
      `**€${Math.round(c.business!.moneyPerYear!.value!).toLocaleString('en-US')} in productivity gains**`,
    );
    expect(md.stdout).toContain('Also in the before window: 2025-03-20 Kubernetes node pool upgraded');
    const table = await run(base);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`annotation ${id}: Provision as soon as images are built`);
    expect(table.stdout).toMatch(/median\s*│\s*[\d.]+ \[/);
    expect(table.stdout).toContain(
      `${Math.round(c.business!.hoursPerYear.value!).toLocaleString('en-US')} [`,
    );
  });

  it('impact --before/--after --by repo: one comparison per repository', async () => {
    const r = await run([
      'impact',
      '--metric',
      LEAD,
      '--before',
      '2025-03-03..2025-03-31',
      '--after',
      '2025-03-31..2025-04-28',
      '--by',
      'repo',
      '--json',
      '--resamples',
      '500',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ImpactReport;
    expect(report.comparisons.map((c) => c.group)).toEqual(['acme/api', 'acme/seasonal']);
    expect(report.method.resamples).toBe(500);
  });

  it.each([
    [
      ['impact', '--metric', 'testenv.provision.duration_p5_minutes', '--annotation', 'x'],
      /did you mean testenv\.provision\.duration_p50_minutes/,
    ],
    [['impact', '--metric', LEAD, '--annotation', 'nope'], /no annotation with id "nope"/],
    [
      ['impact', '--metric', LEAD, '--before', '2025-03-03..2025-03-20', '--after', '2025-03-10..2025-04-01'],
      /overlap/,
    ],
    [
      ['impact', '--metric', LEAD, '--before', '2025-03-03..2025-03-03', '--after', '2025-03-10..2025-04-01'],
      /is empty/,
    ],
    [
      ['impact', '--metric', LEAD, '--before', '2024-01-01..2024-02-01', '--after', '2025-03-10..2025-04-01'],
      /no events of .* in the before window/,
    ],
    [
      ['impact', '--metric', LEAD, '--before', '2025-02-30..2025-03-20', '--after', '2025-03-20..2025-04-01'],
      /--before: "2025-02-30" is not a date/,
    ],
    [['impact', '--metric', LEAD, '--before', '2025-03-01'], /not a window: write START\.\.END/],
    [['impact', '--metric', LEAD], /--annotation ID/],
    [['impact', '--metric', LEAD, '--annotation', 'x', '--where', 'repo'], /write KEY=VALUE/],
    [
      ['impact', '--metric', LEAD, '--annotation', 'x', '--resamples', 'many'],
      /--resamples "many" is not a number/,
    ],
    [
      ['annotate', 'x', '--metric', 'testenv.provision.duraton_p50_minutes'],
      /did you mean testenv\.provision\.duration_p50_minutes/,
    ],
    [['annotate', '--at', '2025-01-01'], /say what changed/],
    [['annotate', 'x', '--at', 'yesterday'], /--at "yesterday" is not a date/],
  ])('exits 2 naming the fix, and writes nothing: %s', async (args, message) => {
    const before = await annotations();
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(await annotations()).toBe(before);
  });
});
