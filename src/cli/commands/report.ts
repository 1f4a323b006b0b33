import { Option, type Command } from 'commander';
import { PitwallApiError, PitwallClient } from '../../client/index.js';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import type { Report } from '../../report/build.js';
import { buildReport } from '../../report/build.js';
import { formatMarkdown, formatTable } from '../../report/format.js';
import { testenvReport } from '../../report/testenv.js';
import { formatTestenvMarkdown, formatTestenvTable } from '../../report/testenv-format.js';
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
        const format = o.json ? 'json' : o.format;
        // Table and markdown end with the test-environment section; JSON stays the API's report.
        const withTestenv = format !== 'json' && !o.metric;
        let report: Report;
        let testenv: TestenvSection | null = null;
        if (o.server) {
          if (o.metric)
            throw invalidArgument('--metric cannot be combined with --server (the API reports every metric)');
          const token = o.token ?? ctx.env.PITWALL_TOKEN ?? null;
          report = await reportFromServer(o.server, token, { from, to, by: o.by });
          if (withTestenv) testenv = await fromServer(o.server, (c) => c.testenv({ from, to }), token);
        } else {
          const cfg = config(ctx, program);
          const registry = registryFor(cfg);
          if (o.metric) for (const m of o.metric) registry.get(m); // unknown names fail before the store opens
          report = await withStore(cfg, async (store) => {
            const r = await buildReport(store, registry, cfg, {
              from,
              to,
              by: o.by ?? null,
              metrics: o.metric,
            });
            if (withTestenv)
              testenv = await testenvReport(store, registry, { from, to, logUrl: cfg.testenv.log_url });
            return r;
          });
        }
        if (format === 'json') printJson(ctx, report);
        else if (format === 'markdown')
          ctx.out(formatMarkdown(report) + (testenv ? formatTestenvMarkdown(testenv) : ''));
        else ctx.out(formatTable(report) + (testenv ? formatTestenvTable(testenv) : ''));
      },
    );
}

/** The same report through the HTTP API: the typed client the web app uses, errors mapped back. */
async function reportFromServer(
  server: string,
  token: string | null,
  q: { from: Date; to: Date; by?: string },
): Promise<Report> {
  const r = await fromServer(server, (c) => c.report({ from: q.from, to: q.to, by: q.by }), token);
  return { ...r, from: new Date(r.from), to: new Date(r.to), previousFrom: new Date(r.previousFrom) };
}

type TestenvSection = Parameters<typeof formatTestenvTable>[0];

/** One read of a running server, its errors mapped back to the CLI's. */
async function fromServer<T>(
  server: string,
  read: (c: PitwallClient) => Promise<T>,
  token: string | null,
): Promise<T> {
  const client = new PitwallClient({ baseUrl: server, token });
  try {
    return await read(client);
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
