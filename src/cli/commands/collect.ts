import type { Command } from 'commander';
import type { AnyCollector } from '../../collectors/collector.js';
import { collectors } from '../../collectors/index.js';
import type { CliContext } from '../context.js';
import { collectCoverageFlags } from './collect-coverage.js';
import { collectFeedbackFlags } from './collect-feedback.js';
import { collectGenericFlags } from './collect-generic.js';
import { collectGitFlags } from './collect-git.js';
import { collectGitHubFlags } from './collect-github.js';
import { collectGitLabFlags } from './collect-gitlab.js';
import { collectJunitFlags } from './collect-junit.js';
import { collectSurveyFlags } from './collect-survey.js';

/**
 * The flags of one `pitwall collect <id>`: maps them to the collector's options, runs it and
 * prints its summary. `cmd` is already named and described from the registry.
 */
export type CollectFlags = (cmd: Command, collector: AnyCollector, ctx: CliContext, program: Command) => void;

/**
 * Collectors with flags of their own. One without (a new source) still gets its command, with
 * `--option key=value` for each of its options: a registry line is enough to run it.
 */
const FLAGS: Partial<Record<string, CollectFlags>> = {
  git: collectGitFlags,
  github: collectGitHubFlags,
  gitlab: collectGitLabFlags,
  junit: collectJunitFlags,
  coverage: collectCoverageFlags,
  feedback: collectFeedbackFlags,
  survey: collectSurveyFlags,
};

/** `pitwall collect <id>`: one subcommand per registry collector. */
export function registerCollect(program: Command, ctx: CliContext): void {
  registerCollectFrom(program, ctx, collectors, FLAGS);
}

/** The same from any registry (tests hand in their own). */
export function registerCollectFrom(
  program: Command,
  ctx: CliContext,
  registry: readonly AnyCollector[],
  flags: Partial<Record<string, CollectFlags>>,
): void {
  const parent = program
    .command('collect')
    .description(`read a source (${registry.map((c) => c.id).join(', ')}) into the store; incremental`);
  for (const c of registry)
    (flags[c.id] ?? collectGenericFlags)(parent.command(c.id).description(c.description), c, ctx, program);
}
