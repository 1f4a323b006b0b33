import type { Command } from 'commander';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { ingest } from '../../ingest/ingest.js';
import { registryFor } from '../../metrics/definitions/index.js';
import {
  analyzeExperiment,
  designExperiment,
  endExperiment,
  experimentRecord,
  experimentText,
  getExperiment,
  listExperiments,
  type Experiment,
} from '../../report/experiments/index.js';
import {
  config,
  parseDateOption,
  printJson,
  rowsTable,
  withStore,
  withWritableStore,
  type CliContext,
} from '../context.js';

interface CreateFlags {
  name: string;
  id?: string;
  hypothesis?: string;
  metric: string[];
  expect: string[];
  cohortShare?: string;
  cohortTeams?: string;
  cohortPeople?: string;
  controlTeams?: string;
  start?: string;
  end?: string;
  alpha?: string;
  notes?: string;
  json?: boolean;
}

const repeat = (v: string, all: string[]) => [...all, v];
const list = (flag: string, raw: string) => {
  const xs = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!xs.length) throw invalidArgument(`--${flag} ${JSON.stringify(raw)}: give a comma-separated list`);
  return xs;
};

/** "30%" or "0.3": a share of people strictly between 0 and 1. */
export function parseShare(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
  const share = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(share > 0 && share < 1))
    throw invalidArgument(
      `--cohort-share ${JSON.stringify(raw)}: give a share of people above 0 and below 100%, e.g. 30% or 0.3`,
      { field: 'cohort.share' },
    );
  return share;
}

/** `--expect -30%` (the first metric) or `--expect METRIC=-30%`. */
export function parseExpect(raws: readonly string[], metrics: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const raw of raws) {
    const i = raw.lastIndexOf('=');
    const metric = i > 0 ? raw.slice(0, i).trim() : metrics[0];
    const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$/.exec(i > 0 ? raw.slice(i + 1) : raw);
    if (!m || !metric)
      throw invalidArgument(
        `--expect ${JSON.stringify(raw)}: give the hypothesised change in %, e.g. --expect -30% or --expect ${metrics[0] ?? 'METRIC'}=-30%`,
        { field: 'expect' },
      );
    out[metric] = Number(m[1]);
  }
  return out;
}

function cohortOf(o: CreateFlags): unknown {
  const given = [o.cohortShare, o.cohortTeams, o.cohortPeople].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw invalidArgument(
      'give exactly one cohort: --cohort-share 30% (a stable hash of each person), --cohort-teams a,b or --cohort-people x,y',
      { field: 'cohort' },
    );
  if (o.cohortShare !== undefined) return { type: 'share', share: parseShare(o.cohortShare) };
  if (o.cohortTeams !== undefined) return { type: 'teams', teams: list('cohort-teams', o.cohortTeams) };
  return { type: 'people', people: list('cohort-people', o.cohortPeople!) };
}

function number(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw invalidArgument(`--${flag} ${JSON.stringify(raw)} is not a number`);
  return n;
}

const row = (e: Experiment) => ({
  id: e.id,
  name: e.name,
  status: e.status,
  started: e.startedAt,
  ended: e.endedAt,
  cohort: e.cohortText,
  metrics: e.metrics.join(', '),
});

/** `pitwall experiment create|list|show|stop|rollout`: controlled experiments on registry metrics. */
export function registerExperiment(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('experiment')
    .description(
      'experiments: a cohort (teams, people, or a share of people by a stable hash) against a control, with results per metric, significance and a recommendation',
    );

  cmd
    .command('create')
    .description('design an experiment (nothing is changed for anyone: Pitwall measures the change you make)')
    .requiredOption('--name <name>', 'what is tried, e.g. "AI PR review bot"')
    .option('--id <id>', 'its id (default: from the name); a share cohort hashes people with it')
    .option('--hypothesis <text>', 'what you expect and why')
    .option('--metric <name>', 'a metric to compare (repeatable; the first is the primary one)', repeat, [])
    .option(
      '--expect <change>',
      'hypothesised change, e.g. -30% (first metric) or METRIC=+10% (repeatable)',
      repeat,
      [],
    )
    .option('--cohort-share <share>', 'treat this share of people, by a stable hash of each person, e.g. 30%')
    .option('--cohort-teams <teams>', 'treat these teams, comma-separated')
    .option('--cohort-people <logins>', 'treat these people, comma-separated')
    .option('--control-teams <teams>', 'compare with these teams (default: everyone else)')
    .option('--start <date>', 'when the treatment starts (default now)')
    .option('--end <date>', 'when it ends (default: open until stopped or rolled out)')
    .option('--alpha <level>', 'significance level (default experiments.alpha, 0.05)')
    .option('--notes <text>', 'notes')
    .option('--json', 'print JSON')
    .action(async (o: CreateFlags) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      if (!o.metric.length)
        throw invalidArgument(
          '--metric: name at least one metric, e.g. --metric github.prs.time_to_first_review_hours',
          {
            field: 'metrics',
          },
        );
      const design = {
        id: o.id,
        name: o.name,
        hypothesis: o.hypothesis,
        metrics: o.metric,
        expected: parseExpect(o.expect, o.metric),
        cohort: cohortOf(o),
        control: o.controlTeams
          ? { type: 'teams', teams: list('control-teams', o.controlTeams) }
          : { type: 'rest' },
        start: parseDateOption('start', o.start) ?? new Date(),
        end: parseDateOption('end', o.end) ?? null,
        alpha: number('alpha', o.alpha),
        notes: o.notes,
      };
      const e = await withWritableStore(cfg, async (store) => {
        const x = await designExperiment(store, registry, design, new Date());
        await ingest(store, [experimentRecord(x)]).catch(rethrowAsArgument);
        return x;
      });
      if (o.json) return printJson(ctx, e);
      ctx.out(
        `created experiment ${e.id}: ${e.name} (${e.status}, ${e.cohortText} vs ${e.control.type === 'rest' ? 'the rest' : e.control.teams.join(', ')})\n` +
          `results with: pitwall experiment show ${e.id}\n`,
      );
    });

  cmd
    .command('list')
    .description('experiments, newest first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const cfg = config(ctx, program);
      const all = await withStore(cfg, (store) => listExperiments(store));
      if (o.json) return printJson(ctx, { experiments: all });
      if (!all.length) return ctx.out('no experiments (create one with pitwall experiment create)\n');
      ctx.out(rowsTable(all.map(row)));
    });

  cmd
    .command('show')
    .description(
      'results per metric: control, treatment, difference with its interval, p-value, power, recommendation',
    )
    .argument('<id>', 'the experiment (see pitwall experiment list)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      const x = await withStore(cfg, async (store) =>
        analyzeExperiment(store, registry, cfg.experiments, await getExperiment(store, id), new Date()),
      );
      if (o.json) return printJson(ctx, x);
      ctx.out(experimentText(x));
    });

  for (const [name, action, what] of [
    ['stop', 'stopped', 'end it without rolling out'],
    ['rollout', 'rolled_out', 'end it and record that the change goes to everyone'],
  ] as const)
    cmd
      .command(name)
      .description(what)
      .argument('<id>', 'the experiment (see pitwall experiment list)')
      .option('--at <time>', 'when (default now)')
      .option('--note <text>', 'why, appended to its notes')
      .option('--json', 'print JSON')
      .action(async (id: string, o: { at?: string; note?: string; json?: boolean }) => {
        const cfg = config(ctx, program);
        const at = parseDateOption('at', o.at) ?? new Date();
        const e = await withWritableStore(cfg, async (store) => {
          const x = endExperiment(await getExperiment(store, id), action, { at, note: o.note });
          await ingest(store, [experimentRecord(x)]).catch(rethrowAsArgument);
          return x;
        });
        if (o.json) return printJson(ctx, e);
        ctx.out(`experiment ${e.id} ${action.replace('_', ' ')} at ${e.endedAt!.toISOString()}\n`);
      });
}

/** A bad value given on the command line is the user's to fix: exit 2, not a crash. */
function rethrowAsArgument(e: unknown): never {
  if (e instanceof PitwallError && e.code === 'invalid_records')
    throw invalidArgument(e.message.replace(/^record 0 \((\w+)\): /, '$1 '), e.details);
  throw e;
}
