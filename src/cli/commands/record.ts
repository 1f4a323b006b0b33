import { Option, type Command } from 'commander';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { openIncident, recordDeployment, resolveIncident } from '../../ingest/delivery.js';
import { config, parseDateOption, printJson, withWritableStore, type CliContext } from '../context.js';

/** `pitwall record deployment|incident`: DORA inputs by hand (or from any CD tool's script). */
export function registerRecord(program: Command, ctx: CliContext): void {
  const record = program
    .command('record')
    .description('record deployments and incidents by hand, so DORA works before any CI integration');

  record
    .command('deployment')
    .description('record a deployment of a commit to an environment')
    .requiredOption('--service <name>', 'the service deployed')
    .requiredOption('--env <name>', 'environment, e.g. production')
    .requiredOption('--sha <sha>', 'the commit deployed (full or abbreviated)')
    .option('--at <time>', 'when it finished (ISO-8601; default now)')
    .option('--started-at <time>', 'when it started (default: --at)')
    .addOption(
      new Option('--status <status>', 'outcome')
        .choices(['success', 'failure', 'in_progress', 'cancelled'])
        .default('success'),
    )
    .option('--repo <owner/name>', 'the repository holding the sha (default: found from collected commits)')
    .option(
      '--id <id>',
      'your own deployment id (default: derived from the fields, so a retry records nothing twice)',
    )
    .option('--json', 'print JSON')
    .action(
      async (o: {
        service: string;
        env: string;
        sha: string;
        at?: string;
        startedAt?: string;
        status: string;
        repo?: string;
        id?: string;
        json?: boolean;
      }) => {
        const cfg = config(ctx, program);
        const at = parseDateOption('at', o.at) ?? new Date();
        const startedAt = parseDateOption('started-at', o.startedAt) ?? at;
        if (startedAt > at) throw invalidArgument('--started-at must not be after --at');
        const id = await withWritableStore(cfg, async (store) => {
          const recorded = await recordDeployment(store, {
            service: o.service,
            environment: o.env,
            sha: o.sha,
            at,
            startedAt,
            status: o.status,
            repo: o.repo ?? null,
            id: o.id,
            source: 'manual',
          }).catch(rethrowAsArgument);
          return recorded;
        });
        if (o.json)
          printJson(ctx, { id, service: o.service, environment: o.env, sha: o.sha, at, status: o.status });
        else
          ctx.out(
            `recorded deployment ${id}: ${o.service} ${o.sha.slice(0, 12)} to ${o.env} at ${at.toISOString()} (${o.status})\n`,
          );
      },
    );

  const incident = record.command('incident').description('open or resolve an incident');
  incident
    .command('open')
    .description('open an incident on a service')
    .requiredOption('--service <name>', 'the affected service')
    .option('--at <time>', 'when it was opened (default now)')
    .option('--severity <level>', 'e.g. sev1')
    .option('--title <text>', 'what happened', '')
    .option('--deployment <id>', 'the deployment that caused it, when known')
    .option('--id <id>', 'your own incident id (default: derived)')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        service: string;
        at?: string;
        severity?: string;
        title: string;
        deployment?: string;
        id?: string;
        json?: boolean;
      }) => {
        const cfg = config(ctx, program);
        const at = parseDateOption('at', o.at) ?? new Date();
        const id = await withWritableStore(cfg, async (store) => {
          const opened = await openIncident(store, {
            service: o.service,
            at,
            severity: o.severity ?? null,
            title: o.title,
            deployment: o.deployment ?? null,
            id: o.id,
            source: 'manual',
          }).catch(rethrowAsArgument);
          return opened;
        });
        if (o.json) printJson(ctx, { id, service: o.service, opened_at: at });
        else ctx.out(`opened incident ${id} on ${o.service} at ${at.toISOString()}\n`);
      },
    );
  incident
    .command('resolve')
    .description('resolve an open incident')
    .requiredOption('--id <id>', 'the incident id printed by `record incident open`')
    .option('--at <time>', 'when service was restored (default now)')
    .option('--json', 'print JSON')
    .action(async (o: { id: string; at?: string; json?: boolean }) => {
      const cfg = config(ctx, program);
      const at = parseDateOption('at', o.at) ?? new Date();
      await withWritableStore(cfg, (store) => resolveIncident(store, o.id, at));
      if (o.json) printJson(ctx, { id: o.id, resolved_at: at });
      else ctx.out(`resolved incident ${o.id} at ${at.toISOString()}\n`);
    });
}

/** A bad value given on the command line is the user's to fix: exit 2, not a crash. */
function rethrowAsArgument(e: unknown): never {
  if (e instanceof PitwallError && e.code === 'invalid_records')
    throw invalidArgument(e.message.replace(/^record 0 \((\w+)\): /, '$1 '), e.details);
  throw e;
}
