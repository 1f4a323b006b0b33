import { Option, type Command } from 'commander';
import { PitwallApiError, PitwallClient } from '../../client/index.js';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import type { Report } from '../../report/build.js';
import { buildReport } from '../../report/build.js';
import { formatMarkdown, formatTable } from '../../report/format.js';
import {
  config,
  fromOption,
  toOption,
  printJson,
  windowFrom,
  withStore,
  type CliContext,
} from '../context.js';

/** `pitwall report`: every registered metric with value, target, traffic light and trend. */
export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('print every metric over a window with its target, status and trend vs the previous window')
    .addOption(fromOption())
    .addOption(toOption())
    .option('--by <group>', 'group by team, repo, service, ... (each metric lists what it allows)')
    .option('--metric <name...>', 'only these metrics')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'markdown', 'json'])
        .default('table'),
    )
    .option('--json', 'same as --format json')
    .option(
      '--server <url>',
      'ask a running pitwall serve instead of opening the store (e.g. http://127.0.0.1:4100)',
    )
    .option('--token <token>', 'API token with the read scope for --server (or PITWALL_TOKEN)')
    .action(
      async (o: {
        from?: string;
        to?: string;
        by?: string;
        metric?: string[];
        format: string;
        json?: boolean;
        server?: string;
        token?: string;
      }) => {
        const { from, to } = windowFrom(o);
        let report: Report;
        if (o.server) {
          if (o.metric)
            throw invalidArgument('--metric cannot be combined with --server (the API reports every metric)');
          report = await reportFromServer(o.server, o.token ?? ctx.env.PITWALL_TOKEN ?? null, {
            from,
            to,
            by: o.by,
          });
        } else {
          const cfg = config(ctx, program);
          const registry = registryFor(cfg);
          if (o.metric) for (const m of o.metric) registry.get(m); // unknown names fail before the store opens
          report = await withStore(cfg, (store) =>
            buildReport(store, registry, cfg, { from, to, by: o.by ?? null, metrics: o.metric }),
          );
        }
        const format = o.json ? 'json' : o.format;
        if (format === 'json') printJson(ctx, report);
        else ctx.out(format === 'markdown' ? formatMarkdown(report) : formatTable(report));
      },
    );
}

/** The same report through the HTTP API: the typed client the web app uses, errors mapped back. */
async function reportFromServer(
  server: string,
  token: string | null,
  q: { from: Date; to: Date; by?: string },
): Promise<Report> {
  const client = new PitwallClient({ baseUrl: server, token });
  try {
    const r = await client.report({ from: q.from, to: q.to, by: q.by });
    return { ...r, from: new Date(r.from), to: new Date(r.to), previousFrom: new Date(r.previousFrom) };
  } catch (e) {
    if (e instanceof PitwallApiError)
      throw new PitwallError(
        [400, 401, 403].includes(e.status)
          ? 'invalid_argument'
          : e.status === 404
            ? 'not_found'
            : 'store_unavailable',
        `${server}: ${e.message} (HTTP ${e.status} ${e.code})`,
        e.details,
      );
    throw new PitwallError('store_unavailable', `cannot reach ${server}: ${(e as Error).message}`);
  }
}
