import { argocdCollector } from './argocd/collector.js';
import type { AnyCollector } from './collector.js';
import { copilotCollector } from './copilot/collector.js';
import { coverageCollector } from './coverage/collector.js';
import { feedbackCollector } from './feedback/collector.js';
import { gitCollector } from './git/collector.js';
import { githubCollector } from './github/collector.js';
import { gitlabCollector } from './gitlab/collector.js';
import { healthCollector } from './health/collector.js';
import { jenkinsCollector } from './jenkins/collector.js';
import { junitCollector } from './junit/collector.js';
import { opsgenieCollector } from './opsgenie/collector.js';
import { pagerdutyCollector } from './pagerduty/collector.js';
import { surveyCollector } from './survey/collector.js';

/**
 * The collector registry: one line per source. `pitwall collect <id>`, `pitwall collectors list`,
 * the server's schedule (`collectors:` in pitwall.yaml, each job's options checked against the
 * collector's schema) and the config's plug-in sections (`github:`) all derive from this list.
 */
export const collectors = [
  gitCollector,
  githubCollector,
  gitlabCollector,
  junitCollector,
  coverageCollector,
  surveyCollector,
  feedbackCollector,
  pagerdutyCollector,
  opsgenieCollector,
  argocdCollector,
  jenkinsCollector,
  healthCollector,
  copilotCollector,
] as const satisfies readonly AnyCollector[];

export type RegisteredCollector = (typeof collectors)[number];

export function collectorById(id: string): AnyCollector | undefined {
  return collectors.find((c) => c.id === id);
}
