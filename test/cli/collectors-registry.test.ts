import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitCollector } from '../../src/collectors/git/collector.js';
import { collectors } from '../../src/collectors/index.js';
import { registerCollectFrom } from '../../src/cli/commands/collect.js';
import type { CliContext } from '../../src/cli/context.js';
import { describeError, exitCodeFor } from '../../src/cli/exit.js';
import { buildProgram } from '../../src/cli/program.js';
import { cli } from '../helpers/cli.js';
import { buildFixture, type Fixture } from '../helpers/git-repo.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';

/** A CLI whose `collect` knows only the given registry, none with flags of its own. */
async function genericCli(args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    cwd: process.cwd(),
    env,
    interactive: false,
  };
  const program = new Command('pitwall').option('-c, --config <file>').exitOverride();
  program.configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  registerCollectFrom(program, ctx, [gitCollector], {});
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: exitCodeFor(e), stdout, stderr: stderr + describeError(e) };
  }
}

describe('the collector registry in the CLI', () => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  const f: Fixture = buildFixture();
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    await t.store.close();
    env = { PITWALL_DB: t.config.duckdbPath };
  });
  afterAll(async () => {
    await t?.cleanup();
    f.repo.cleanup();
  });

  it('has a `collect <id>` for every registry collector', () => {
    const program = buildProgram({
      out: () => undefined,
      err: () => undefined,
      cwd: '.',
      env: {},
      interactive: false,
    });
    const collect = program.commands.find((c) => c.name() === 'collect')!;
    expect(collect.commands.map((c) => c.name())).toEqual(collectors.map((c) => c.id));
  });

  it('lists every registry collector, junit included, with the health of its sources', async () => {
    expect((await cli(['collect', 'git', '--repo', f.repo.dir], { env })).code).toBe(0);
    const r = await cli(['collectors', 'list', '--json'], { env });
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as { id: string; description: string; sources: { id: string }[] }[];
    expect(listed.map((c) => c.id)).toEqual(collectors.map((c) => c.id));
    expect(listed.map((c) => c.id)).toEqual(
      expect.arrayContaining(['git', 'github', 'junit', 'coverage', 'survey']),
    );
    expect(listed.every((c) => c.description.length > 0)).toBe(true);
    expect(listed.find((c) => c.id === 'git')!.sources.map((s) => s.id)).toEqual(['git:acme/shop']);
    const table = await cli(['collectors', 'list'], { env });
    expect(table.stdout).toMatch(/│ junit +│ \(none yet\)/);
  });

  it('runs a collector without flags of its own through --option key=value', async () => {
    const r = await genericCli(
      [
        'collect',
        'git',
        '--option',
        `path=${f.repo.dir}`,
        '--option',
        'name=acme/generic',
        '--option',
        'batch_size=2',
        '--json',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      source: 'git:acme/generic',
      written: { commit: 8, tag: 2 },
    });
    const bad = await genericCli(['collect', 'git', '--option', 'path'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--option "path": expected key=value/);
    const refused = await genericCli(
      ['collect', 'git', '--option', `path=${f.repo.dir}`, '--option', 'depth=1'],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/git collector: .*Unrecognized key: "depth"/);
  });
});
