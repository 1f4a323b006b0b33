import { Option, type Command } from 'commander';
import { buildChannels } from '../../alerts/channels/index.js';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import {
  buildDigest,
  DIGEST_FORMATS,
  DIGEST_PERIODS,
  renderDigest,
  sendDigest,
  type DigestFormat,
  type DigestPeriod,
} from '../../report/digest/index.js';
import { config, parseDateOption, withStore, type CliContext } from '../context.js';

interface DigestFlags {
  period: DigestPeriod;
  format: DigestFormat;
  send?: boolean;
  at?: string;
}

/**
 * `pitwall digest`: the weekly executive digest or the monthly State of DevEx, printed, or sent
 * (--send) to the channels of `digests.<period>` as the server's schedule would.
 */
export function registerDigest(program: Command, ctx: CliContext): void {
  program
    .command('digest')
    .description(
      'the weekly executive digest (DORA, NPS, attention and wins, active alerts) or the monthly State of DevEx report, as HTML, markdown or text; --send mails or posts it to the channels of digests.<period>',
    )
    .addOption(new Option('--period <period>', 'week or month').choices([...DIGEST_PERIODS]).default('week'))
    .addOption(
      new Option('--format <format>', 'output format').choices([...DIGEST_FORMATS]).default('markdown'),
    )
    .option('--send', 'send it to the channels of digests.<period> in pitwall.yaml instead of printing it')
    .option(
      '--at <date>',
      'as of this instant (default now): the week is the 7 days before its day, the month the calendar month before it',
    )
    .action(async (o: DigestFlags) => {
      const cfg = config(ctx, program);
      const now = parseDateOption('at', o.at) ?? new Date();
      const schedule = cfg.digests[o.period];
      if (o.send && !schedule)
        throw invalidArgument(
          `--send: pitwall.yaml has no digests.${o.period} (cron, channels, recipients): add it, or leave out --send to print the digest`,
        );
      // Secrets are read only when sending: printing needs no channel.
      const channels = o.send ? buildChannels(cfg.notify, { env: ctx.env }) : new Map();
      const registry = registryFor(cfg);
      const digest = await withStore(cfg, (store) =>
        buildDigest(store, registry, cfg, { period: o.period, now }),
      );
      if (!o.send) {
        ctx.out(renderDigest(digest, o.format));
        return;
      }
      const sent = await sendDigest(digest, channels, schedule!.channels, schedule!.recipients);
      for (const s of sent) ctx.err(s.ok ? `sent to ${s.channel}` : `not sent to ${s.channel}: ${s.error}`);
      if (sent.some((s) => !s.ok))
        throw new PitwallError('collector_failed', `the digest could not be sent to every channel`);
      ctx.out(`${digest.subject}: sent to ${sent.map((s) => s.channel).join(', ')}\n`);
    });
}
