import { describe, expect, it } from 'vitest';
import { redactCommand } from '../../src/agent/redact.js';
import {
  bareTemplate,
  gitleaksCorpus,
  leaked,
  ordinaryCommands,
  templates,
} from '../helpers/redaction-corpus.js';

const none = { redact: { patterns: [], allow: [] } };

/**
 * The measurement the issue asks for (goal: at least 99% of a public secrets corpus caught, at
 * most 1% of ordinary commands changed). The corpora: test/helpers/redaction-corpus.ts.
 */
describe('redaction against public corpora', () => {
  it("catches at least 99% of the gitleaks rule set's secrets typed into command lines", () => {
    const corpus = gitleaksCorpus();
    // Most of gitleaks' 217 rules sample; the ones that do not are named (path-only rules).
    expect(corpus.rules).toBeGreaterThan(200);
    expect(corpus.samples.length).toBeGreaterThan(500);
    let lines = 0;
    const missed: string[] = [];
    for (const { rule, secret } of corpus.samples)
      for (const [how, line] of Object.entries(templates)) {
        lines++;
        const typed = line(secret, rule);
        if (leaked(secret, redactCommand(typed, none).text)) missed.push(`${rule} (${how}): ${typed}`);
      }
    const caught = 1 - missed.length / lines;
    console.log(
      `redaction: caught ${(100 * caught).toFixed(2)}% of ${lines} lines (${corpus.samples.length} secrets of ${corpus.rules - corpus.skipped.length}/${corpus.rules} gitleaks rules x ${Object.keys(templates).length} ways)`,
    );
    expect(caught, missed.slice(0, 10).join('\n')).toBeGreaterThanOrEqual(0.99);
  });

  it('token formats alone (no name around the secret) catch the prefixed formats', () => {
    const corpus = gitleaksCorpus();
    const byRule = new Map<string, boolean>();
    for (const { rule, secret } of corpus.samples)
      byRule.set(
        rule,
        (byRule.get(rule) ?? true) && !leaked(secret, redactCommand(bareTemplate(secret), none).text),
      );
    const missed: string[] = [];
    // Every rule this project names in its issue is caught on sight. (gitleaks' Slack webhook
    // expression leaves the dots of hooks.slack.com unescaped, so its samples are not URLs.)
    for (const rule of [
      'github-pat',
      'github-fine-grained-pat',
      'github-oauth',
      'github-app-token',
      'gitlab-pat',
      'aws-access-token',
      'slack-bot-token',
      'slack-user-token',
      'stripe-access-token',
      'gcp-api-key',
      'npm-access-token',
      'jwt',
      'private-key',
      'openai-api-key',
      'anthropic-api-key',
      'sendgrid-api-token',
      'twilio-api-key',
      'digitalocean-pat',
      'shopify-access-token',
    ]) {
      expect(byRule.has(rule), `gitleaks rule ${rule}`).toBe(true);
      if (!byRule.get(rule)) missed.push(rule);
    }
    expect(missed.join(' ')).toBe('');
  });

  it('changes at most 1% of ordinary commands', () => {
    const { commands, packages } = ordinaryCommands();
    expect(commands.length).toBeGreaterThan(1000);
    const changed = commands.filter((c) => redactCommand(c, none).text !== c);
    console.log(
      `redaction: changed ${changed.length} of ${commands.length} ordinary commands (${((100 * changed.length) / commands.length).toFixed(2)}%; scripts and README shell lines of ${packages} packages)`,
    );
    expect(changed.length / commands.length, changed.slice(0, 10).join('\n')).toBeLessThanOrEqual(0.01);
  });
});
