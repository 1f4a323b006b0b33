import { redactCommand } from '../src/agent/redact.js';
import { gitleaksCorpus, leaked, ordinaryCommands, templates } from '../test/helpers/redaction-corpus.js';
import { fmt, type BenchResult } from './harness.js';

const none = { redact: { patterns: [], allow: [] } };

/**
 * Redaction on the public corpora (test/helpers/redaction-corpus.ts): the share of the gitleaks
 * rule set's secrets caught when typed into command lines, the share of ordinary commands
 * changed, and speed: command lines redacted per second against a plain string scan of the same
 * lines in the same run (a `toLowerCase().includes('token')` pass, the cheapest look at every
 * character). The agent syncs at least 50,000 commands/s, so redaction must be far above that.
 */
export async function redactionBench(): Promise<BenchResult> {
  const corpus = gitleaksCorpus();
  const secretLines = corpus.samples.flatMap(({ rule, secret }) =>
    Object.values(templates).map((t) => ({ secret, line: t(secret, rule) })),
  );
  const caught = secretLines.filter((s) => !leaked(s.secret, redactCommand(s.line, none).text)).length;
  const { commands, packages } = ordinaryCommands();
  const changed = commands.filter((c) => redactCommand(c, none).text !== c).length;

  // A day's mix: ordinary commands with one in twenty holding a secret.
  const mix = [...commands];
  for (let i = 0; i < secretLines.length && mix.length < commands.length * 1.05; i += 7)
    mix.push(secretLines[i]!.line);
  const chars = mix.reduce((n, l) => n + l.length, 0);
  const rate = (fn: (l: string) => unknown) => {
    let n = 0;
    let sink = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1500) {
      for (const l of mix) if (fn(l)) sink++;
      n += mix.length;
    }
    return { perSecond: (n / (performance.now() - t0)) * 1000, sink };
  };
  rate((l) => redactCommand(l, none).count); // warm-up: compile, JIT
  const scan = rate((l) => l.toLowerCase().includes('token'));
  const redact = rate((l) => redactCommand(l, none).count);
  return {
    name: 'redaction',
    lines: [
      `caught ${fmt((100 * caught) / secretLines.length, 2)}% of ${secretLines.length} secret lines (${corpus.samples.length} secrets from ${corpus.rules - corpus.skipped.length}/${corpus.rules} gitleaks rules x ${Object.keys(templates).length} ways; goal >= 99%)`,
      `false positives ${fmt((100 * changed) / commands.length, 2)}% (${changed} of ${commands.length} ordinary commands from ${packages} packages' scripts and READMEs; goal <= 1%)`,
      `redactions ${fmt(redact.perSecond / 1000, 0)}k lines/s vs plain string scan ${fmt(scan.perSecond / 1000, 0)}k lines/s: ${fmt(scan.perSecond / redact.perSecond, 1)}x the scan's time (${mix.length} lines, ${fmt(chars / mix.length, 0)} chars mean; goal far above 50k/s)`,
    ],
  };
}
