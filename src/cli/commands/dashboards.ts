import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DASHBOARD_KEYS, dashboards, type DashboardKey } from '../../dashboards/definitions/index.js';
import { diffDashboards, formatDiff, type Change } from '../../dashboards/diff.js';
import type { DashboardSpec } from '../../dashboards/model.js';
import {
  dashboardTargets,
  targetById,
  type DashboardTarget,
  type TargetContext,
} from '../../dashboards/targets.js';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { config, type CliContext } from '../context.js';

interface Options {
  target: string;
  dashboard?: string;
  out?: string;
  json?: boolean;
}

/** The flags checked before anything is built or sent: a bad one exits 2 naming it. */
function parse(o: Options): { target: DashboardTarget; specs: DashboardSpec[] } {
  const target = targetById(o.target);
  if (!target)
    throw invalidArgument(
      `--target ${JSON.stringify(o.target)} is not a dashboard target: use one of ${dashboardTargets.map((t) => t.id).join(', ')}`,
    );
  if (o.dashboard !== undefined && !DASHBOARD_KEYS.includes(o.dashboard as DashboardKey))
    throw invalidArgument(
      `--dashboard ${JSON.stringify(o.dashboard)} is not a dashboard: use one of ${DASHBOARD_KEYS.join(', ')} (or leave it out for all)`,
    );
  const specs = o.dashboard
    ? [dashboards[o.dashboard as DashboardKey]]
    : DASHBOARD_KEYS.map((k) => dashboards[k]);
  return { target, specs };
}

/** --out must be a folder or not exist yet (it is then created); never a file. */
function outDir(ctx: CliContext, out: string): string {
  const dir = resolve(ctx.cwd, out);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw invalidArgument(
      `--out ${out} is a file: give a folder to write the dashboards in, e.g. --out dashboards`,
    );
  return dir;
}

/** Written beside and renamed: a provisioning reader never sees half a file. */
function writeAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

function targetContext(ctx: CliContext, program: Command): TargetContext {
  const cfg = config(ctx, program);
  return { config: cfg, registry: registryFor(cfg), env: ctx.env, cwd: ctx.cwd };
}

const json = (ctx: CliContext, v: unknown) => ctx.out(`${JSON.stringify(v, null, 2)}\n`);

/**
 * `pitwall dashboards build|push|pull|list|diff --target <id>`: the registry's dashboards as code
 * (docs/dashboards.md). build reads config only; the others talk to the target's service.
 */
export function registerDashboards(program: Command, ctx: CliContext): void {
  const dash = program
    .command('dashboards')
    .description(
      'dashboards as code: build, push, pull, list and diff the executive, platform, team and testenv dashboards',
    );
  const sub = (name: string, description: string, withOut: boolean) => {
    const c = dash
      .command(name)
      .description(description)
      .requiredOption(
        '--target <id>',
        `where the dashboards go: ${dashboardTargets.map((t) => t.id).join(', ')}`,
      )
      .option('--dashboard <key>', `one dashboard: ${DASHBOARD_KEYS.join(', ')} (default: all)`)
      .option('--json', 'print JSON');
    if (withOut) c.option('--out <dir>', 'write the files in this folder');
    return c;
  };

  sub(
    'build',
    'generate the dashboards from the registry and write them as files (default folder: dashboards)',
    true,
  ).action((o: Options) => {
    const { target, specs } = parse(o);
    const dir = outDir(ctx, o.out ?? 'dashboards');
    const c = targetContext(ctx, program);
    // Everything is built (and checked) before the first file is written: no partial output.
    const files = specs.flatMap((s) =>
      target.files(s, target.build(s, c)).map((f) => ({ spec: s.id, ...f })),
    );
    for (const s of specs) for (const w of target.warnings?.(s) ?? []) ctx.err(`${w}\n`);
    const written = files.map((f) => {
      const path = join(dir, f.path);
      writeAtomic(path, f.content);
      return { dashboard: f.spec, path };
    });
    if (o.json) return json(ctx, written);
    for (const w of written) ctx.out(`${w.dashboard}: ${w.path}\n`);
  });

  sub('push', 'create each dashboard, or update the one carrying its stable id', false).action(
    async (o: Options) => {
      const { target, specs } = parse(o);
      const c = targetContext(ctx, program);
      const built = specs.map((s) => ({ spec: s, built: target.build(s, c) }));
      const results = [];
      for (const b of built) {
        const r = await target.push(b.spec, b.built, c);
        results.push({ dashboard: b.spec.id, ...r });
        if (!o.json) ctx.out(`${r.action} ${b.spec.id}: ${r.remoteId}${r.url ? ` ${r.url}` : ''}\n`);
      }
      if (o.json) json(ctx, results);
    },
  );

  sub('pull', 'fetch the live dashboards (print them, or write them with --out)', true).action(
    async (o: Options) => {
      const { target, specs } = parse(o);
      const dir = o.out === undefined ? undefined : outDir(ctx, o.out);
      const c = targetContext(ctx, program);
      const pulled: Record<string, unknown> = {};
      for (const s of specs) {
        const live = await target.pull(s.id, c);
        if (live === null) {
          if (o.dashboard)
            throw new PitwallError(
              'not_found',
              `${s.id} is not on ${target.id}: push it first (pitwall dashboards push --target ${target.id} --dashboard ${o.dashboard})`,
            );
          ctx.err(`${s.id}: not on ${target.id}\n`);
          continue;
        }
        pulled[s.id] = live;
      }
      if (dir !== undefined) {
        for (const [id, live] of Object.entries(pulled)) {
          const path = join(dir, `${id}.${target.id}.live.json`);
          writeAtomic(path, `${JSON.stringify(live, null, 2)}\n`);
          if (!o.json) ctx.out(`${id}: ${path}\n`);
        }
        if (o.json)
          json(
            ctx,
            Object.keys(pulled).map((id) => ({
              dashboard: id,
              path: join(dir, `${id}.${target.id}.live.json`),
            })),
          );
        return;
      }
      json(ctx, o.dashboard ? Object.values(pulled)[0] : pulled);
    },
  );

  sub('list', "list Pitwall's dashboards on the target (those carrying a stable id)", false).action(
    async (o: Options) => {
      const { target } = parse(o);
      const listed = await target.list(targetContext(ctx, program));
      if (o.json) return json(ctx, listed);
      if (listed.length === 0)
        return ctx.out(
          `no Pitwall dashboards on ${target.id}: pitwall dashboards push --target ${target.id}\n`,
        );
      for (const d of listed)
        ctx.out(`${d.stableId}\t${d.remoteId}\t${d.title}${d.url ? `\t${d.url}` : ''}\n`);
    },
  );

  sub('diff', 'show what was changed by hand: the live dashboard against what build generates', false).action(
    async (o: Options) => {
      const { target, specs } = parse(o);
      const c = targetContext(ctx, program);
      const out: { dashboard: string; live: boolean; changes: Change[] }[] = [];
      for (const s of specs) {
        const live = await target.pull(s.id, c);
        const changes =
          live === null ? [] : diffDashboards(target.comparable(target.build(s, c)), target.comparable(live));
        out.push({ dashboard: s.id, live: live !== null, changes });
      }
      if (o.json) return json(ctx, out);
      for (const d of out) {
        ctx.out(`${d.dashboard}:\n`);
        const text = d.live ? formatDiff(d.changes) : `not on ${target.id}: push it first`;
        ctx.out(`${text.replace(/^/gm, '  ')}\n`);
      }
    },
  );
  for (const c of dash.commands) c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}
