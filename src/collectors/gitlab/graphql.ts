import { z } from 'zod';

/*
 * The GraphQL documents the collector sends, in GitLab's own schema. One page of merge requests
 * carries their approvals and notes (as system and user notes) and commits; on the first page
 * the same request counts what else changed since the cursor, so an unchanged project costs
 * exactly that one request. Pipelines come with their jobs (REST jobs have no `needs`).
 */
export const MERGE_REQUESTS_QUERY = `
query MergeRequests($fullPath: ID!, $updatedAfter: Time, $after: String, $first: Int!,
                    $probe: Boolean!, $pipelinesAfter: Time, $issuesAfter: Time) {
  project(fullPath: $fullPath) {
    id
    pipelines(updatedAfter: $pipelinesAfter) @include(if: $probe) { count }
    issues(updatedAfter: $issuesAfter) @include(if: $probe) { count }
    mergeRequests(updatedAfter: $updatedAfter, sort: UPDATED_ASC, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        iid title state draft createdAt updatedAt mergedAt closedAt
        sourceBranch targetBranch diffHeadSha mergeCommitSha squashCommitSha userNotesCount
        author { username bot }
        labels { nodes { title } }
        diffStatsSummary { additions deletions fileCount }
        notes(first: 100) {
          pageInfo { hasNextPage endCursor }
          nodes { id system body createdAt author { username bot } position { filePath } }
        }
        commits(first: 100) { nodes { sha authoredDate committedDate } }
      }
    }
  }
}`;

export const MORE_NOTES_QUERY = `
query MoreNotes($fullPath: ID!, $iid: String!, $after: String) {
  project(fullPath: $fullPath) {
    mergeRequest(iid: $iid) {
      notes(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id system body createdAt author { username bot } position { filePath } }
      }
    }
  }
}`;

export const PIPELINES_QUERY = `
query Pipelines($fullPath: ID!, $updatedAfter: Time, $after: String, $first: Int!) {
  project(fullPath: $fullPath) {
    pipelines(updatedAfter: $updatedAfter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id iid sha ref source status name createdAt updatedAt startedAt finishedAt
        user { username }
        mergeRequest { iid }
        upstream { id }
        jobs(first: 100) {
          pageInfo { hasNextPage endCursor }
          nodes {
            id name kind status retried allowFailure createdAt queuedAt startedAt finishedAt queuedDuration
            stage { name }
            needs { nodes { name } }
            runner { description }
            downstreamPipeline { id project { fullPath } }
          }
        }
      }
    }
  }
}`;

export const MORE_JOBS_QUERY = `
query MoreJobs($fullPath: ID!, $iid: ID!, $after: String) {
  project(fullPath: $fullPath) {
    pipeline(iid: $iid) {
      jobs(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id name kind status retried allowFailure createdAt queuedAt startedAt finishedAt queuedDuration
          stage { name }
          needs { nodes { name } }
          runner { description }
          downstreamPipeline { id project { fullPath } }
        }
      }
    }
  }
}`;

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const user = z.object({ username: z.string(), bot: z.boolean().nullish() }).nullish();

export const noteNode = z.object({
  id: z.string(),
  system: z.boolean(),
  body: z.string().default(''),
  createdAt: z.string(),
  author: user,
  position: z.object({ filePath: z.string().nullish() }).nullish(),
});
export type NoteNode = z.output<typeof noteNode>;
const notesConn = z.object({ pageInfo, nodes: z.array(noteNode) });

export const mrNode = z.object({
  iid: z.string(),
  title: z.string(),
  state: z.string(),
  draft: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
  mergedAt: z.string().nullish(),
  closedAt: z.string().nullish(),
  sourceBranch: z.string().nullish(),
  targetBranch: z.string().nullish(),
  diffHeadSha: z.string().nullish(),
  mergeCommitSha: z.string().nullish(),
  squashCommitSha: z.string().nullish(),
  userNotesCount: z.number().nullish(),
  author: user,
  labels: z.object({ nodes: z.array(z.object({ title: z.string() })) }).nullish(),
  diffStatsSummary: z
    .object({ additions: z.number(), deletions: z.number(), fileCount: z.number() })
    .nullish(),
  notes: notesConn,
  commits: z
    .object({
      nodes: z.array(
        z.object({
          sha: z.string(),
          authoredDate: z.string().nullish(),
          committedDate: z.string().nullish(),
        }),
      ),
    })
    .nullish(),
});
export type MrNode = z.output<typeof mrNode>;

const count = z.object({ count: z.number() }).nullish();
export const mergeRequestsResponse = z.object({
  project: z
    .object({
      pipelines: count,
      issues: count,
      mergeRequests: z.object({ pageInfo, nodes: z.array(mrNode) }),
    })
    .nullable(),
});
export const moreNotesResponse = z.object({
  project: z.object({ mergeRequest: z.object({ notes: notesConn }).nullable() }).nullable(),
});

export const jobNode = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string().nullish(),
  status: z.string().nullish(),
  retried: z.boolean().nullish(),
  allowFailure: z.boolean().nullish(),
  createdAt: z.string().nullish(),
  queuedAt: z.string().nullish(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
  queuedDuration: z.number().nullish(),
  stage: z.object({ name: z.string() }).nullish(),
  needs: z.object({ nodes: z.array(z.object({ name: z.string() })) }).nullish(),
  runner: z.object({ description: z.string().nullish() }).nullish(),
  downstreamPipeline: z
    .object({ id: z.string(), project: z.object({ fullPath: z.string() }).nullish() })
    .nullish(),
});
export type JobNode = z.output<typeof jobNode>;
const jobsConn = z.object({ pageInfo, nodes: z.array(jobNode) });

export const pipelineNode = z.object({
  id: z.string(),
  iid: z.string(),
  sha: z.string().nullish(),
  ref: z.string().nullish(),
  source: z.string().nullish(),
  status: z.string(),
  name: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string().nullish(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
  user: z.object({ username: z.string() }).nullish(),
  mergeRequest: z.object({ iid: z.string() }).nullish(),
  upstream: z.object({ id: z.string() }).nullish(),
  jobs: jobsConn.nullish(),
});
export type PipelineNode = z.output<typeof pipelineNode>;

export const pipelinesResponse = z.object({
  project: z.object({ pipelines: z.object({ pageInfo, nodes: z.array(pipelineNode) }) }).nullable(),
});
export const moreJobsResponse = z.object({
  project: z.object({ pipeline: z.object({ jobs: jobsConn }).nullable() }).nullable(),
});

/** GitLab's global ids ("gid://gitlab/Ci::Build/123") to the number REST uses. */
export const numericId = (gid: string): string => /(\d+)$/.exec(gid)?.[1] ?? gid;
