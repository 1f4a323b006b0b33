import { resolve } from 'node:path';
import { z } from 'zod';
import type { AnyRecordInput } from '../../domain/records.js';
import { repoName } from '../../domain/kinds/common.js';
import type { Queryable } from '../../store/store.js';
import type { Collector } from '../collector.js';
import { addedLineRecords } from './added-lines.js';
import { CommitMapper } from './commit-records.js';
import { parseCursor, serializeCursor } from './cursor.js';
import { gitLineChunks } from './exec.js';
import { LOG_FORMAT, LogParser, type ParsedCommit } from './log-parser.js';
import { existingCommits, listTips, type RefTip } from './refs.js';
import { openGitRepo, type GitRepo } from './repo.js';

const options = z
  .object({
    /** Path of the clone (absolute, or relative to `cwd`). */
    path: z.string().min(1),
    cwd: z.string().default('.'),
    /** owner/name; otherwise derived from the origin remote, else local/<directory>. */
    name: repoName.optional(),
    /** Records per ingest transaction: large enough to amortise a transaction, small enough to stream. */
    batch_size: z.number().int().min(1).default(5_000),
  })
  .strict();

export interface GitTarget extends GitRepo {
  batchSize: number;
}

/** Exported for the benchmark, which times git alone with exactly these flags. */
export const LOG_ARGS = [
  'log',
  '--stdin',
  '--no-ext-diff',
  '--no-textconv',
  '--find-renames', // git's default, made explicit so a user's diff.renames cannot change the counts
  '--numstat',
  // A merge's size is its diff against the first parent: what the merged branch brought in.
  '--diff-merges=first-parent',
  '--encoding=UTF-8',
  `--format=${LOG_FORMAT}`,
];

async function knownPeople(store: Queryable): Promise<Set<string>> {
  const rows = await store.query<{ login: string }>('select login from people');
  return new Set(rows.map((r) => r.login));
}

async function prMergeShas(store: Queryable, repo: string): Promise<Set<string>> {
  const rows = await store.query<{ sha: string }>(
    'select merge_sha as sha from pull_requests where repo = $1 and merge_sha is not null',
    [repo],
  );
  return new Set(rows.map((r) => r.sha));
}

async function repoKnown(store: Queryable, repo: string): Promise<boolean> {
  return (await store.query('select 1 as x from repos where repo = $1', [repo])).length > 0;
}

function tagRecord(repo: string, t: RefTip): AnyRecordInput {
  return { kind: 'tag', repo, name: t.ref.slice('refs/tags/'.length), sha: t.sha, tagged_at: t.createdAt };
}

export const gitCollector = {
  id: 'git',
  description: 'commits (size, merges, PR numbers, reverts, hotfixes), tags and authors from a local clone',
  configSchema: options,
  async prepare(o, ctx) {
    // A relative `cwd` (a scheduled job's default '.') is the host's working directory.
    const repo = await openGitRepo(o.path, resolve(ctx.cwd, o.cwd), o.name);
    return { sourceId: `git:${repo.name}`, target: { ...repo, batchSize: o.batch_size } };
  },
  async *collect(ctx) {
    const repo = ctx.target;
    const previous = parseCursor(ctx.cursor, ctx.logger);
    const tips = await listTips(repo.path);
    const oldTips = previous?.tips ?? {};
    const oldShas = new Set(Object.values(oldTips));
    const newShas = [...new Set(tips.map((t) => t.sha))].filter((s) => !oldShas.has(s));

    let batch: AnyRecordInput[] = [];
    // Only a repository nobody registered yet: its team and URL may have been set elsewhere.
    if (!(await repoKnown(ctx.store, repo.name)))
      batch.push({ kind: 'repo', repo: repo.name, url: repo.url, default_branch: repo.defaultBranch });
    for (const t of tips)
      if (t.ref.startsWith('refs/tags/') && oldTips[t.ref] !== t.sha) batch.push(tagRecord(repo.name, t));

    const mapper = new CommitMapper(repo.name, await knownPeople(ctx.store));
    let commits = 0;
    const landed: string[] = [];
    // A PR's merge commit as GitHub names it (a rebase merge's last commit names no PR).
    const mergeShas = ctx.config.git.added_lines
      ? await prMergeShas(ctx.store, repo.name)
      : new Set<string>();
    if (newShas.length) {
      const stillThere = await existingCommits(repo.path, [...oldShas]);
      const revs = [...newShas, ...stillThere.map((s) => `^${s}`)].join('\n') + '\n';
      const parser = new LogParser();
      const map = (c: ParsedCommit) => {
        mapper.map(c, batch);
        commits++;
        const record = batch.at(-1);
        if (record?.kind === 'commit' && (record.pr_number != null || mergeShas.has(c.sha)))
          landed.push(c.sha);
      };
      for await (const lines of gitLineChunks(repo.path, LOG_ARGS, revs)) {
        for (const line of lines) {
          const c = parser.push(line);
          if (c) map(c);
        }
        ctx.progress({ unit: 'commits', done: commits });
        if (batch.length >= repo.batchSize) {
          yield { records: batch };
          batch = [];
        }
      }
      const last = parser.end();
      if (last) map(last);
    }
    // Diff coverage: the lines each PR's landing commit added (a second, narrow git pass).
    if (ctx.config.git.added_lines)
      for await (const records of addedLineRecords(repo.path, repo.name, landed)) {
        batch.push(...records);
        if (batch.length >= repo.batchSize) {
          yield { records: batch };
          batch = [];
        }
      }
    ctx.progress({ unit: 'commits', done: commits });
    if (batch.length) yield { records: batch };
    return {
      cursor: serializeCursor(Object.fromEntries(tips.map((t) => [t.ref, t.sha]))),
      facts: { repo: repo.name, commits_read: commits, incremental: previous !== null },
    };
  },
} satisfies Collector<typeof options, GitTarget>;
