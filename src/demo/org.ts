import type { DemoOptions } from './options.js';
import { CI, TEAM_NAMES, TEAM_TABLE } from './params.js';
import { Rng } from './random.js';

export interface DemoTeam {
  team: string;
  index: number;
  members: string[];
  repos: string[];
  deployDaysPerWeek: number;
  changeFailureRate: number;
  timeToRestoreMedianHours: number;
  reviewLatencyMedianHours: number;
  surveyMean: number;
  npsMean: number;
}

export interface DemoRepo {
  repo: string;
  /** The service deployed from this repo: its short name. */
  service: string;
  team: string;
  toolchain: 'npm' | 'cargo' | 'go';
}

export interface DemoOrg {
  teams: DemoTeam[];
  repos: DemoRepo[];
  /** Human developers, in team order. */
  developers: { login: string; team: string }[];
  bots: string[];
}

const FIRST = [
  'ada',
  'bo',
  'cy',
  'di',
  'ed',
  'fi',
  'gus',
  'hal',
  'ivy',
  'jo',
  'kai',
  'lu',
  'mo',
  'ned',
  'oz',
  'pia',
];
const SUFFIX = ['api', 'web'] as const;
const at = <T>(table: readonly T[], i: number): T => table[i % table.length]!;

/** Teams of about eight, one or two repos (= services) each; deterministic from the seed. */
export function buildOrg(o: DemoOptions): DemoOrg {
  const rng = new Rng(o.seed).fork('org');
  const teamCount = Math.max(1, Math.round(o.developers / 8));
  const teams: DemoTeam[] = [];
  const repos: DemoRepo[] = [];
  for (let i = 0; i < teamCount; i++) {
    const base = at(TEAM_NAMES, i);
    const team = i < TEAM_NAMES.length ? base : `${base}-${Math.floor(i / TEAM_NAMES.length) + 1}`;
    const repoCount = rng.chance(0.5) ? 2 : 1;
    const teamRepos = SUFFIX.slice(0, repoCount).map((s) => `demo/${team}-${s}`);
    for (const repo of teamRepos)
      repos.push({
        repo,
        service: repo.slice(5),
        team,
        toolchain: rng.pick(['npm', 'cargo', 'go'] as const),
      });
    teams.push({
      team,
      index: i,
      members: [],
      repos: teamRepos,
      deployDaysPerWeek: at(TEAM_TABLE.deployDaysPerWeek, i),
      changeFailureRate: at(TEAM_TABLE.changeFailureRate, i),
      timeToRestoreMedianHours: at(TEAM_TABLE.timeToRestoreMedianHours, i),
      reviewLatencyMedianHours: at(TEAM_TABLE.reviewLatencyMedianHours, i),
      surveyMean: at(TEAM_TABLE.surveyMean, i),
      npsMean: at(TEAM_TABLE.npsMean, i),
    });
  }
  // Round-robin keeps team sizes within one of each other.
  const developers = Array.from({ length: o.developers }, (_, d) => {
    const t = teams[d % teamCount]!;
    const login = `${at(FIRST, d)}${Math.floor(d / FIRST.length) || ''}-${t.team}`;
    t.members.push(login);
    return { login, team: t.team };
  });
  return { teams, repos, developers, bots: ['dependabot[bot]', 'renovate[bot]'] };
}

export interface TestCase {
  testId: string;
  suite: 'unit' | 'integration' | 'e2e';
  className: string;
  name: string;
  file: string;
  flaky: boolean;
}

/**
 * Each repo's stable test catalogue. The flaky ones are fixed by construction: the first
 * e2e test of every repo, and the last integration test of every second repo.
 */
export function testCatalogue(repo: DemoRepo, repoIndex: number): TestCase[] {
  const out: TestCase[] = [];
  for (const suite of ['unit', 'integration', 'e2e'] as const) {
    const n = CI.testsPerSuite[suite];
    for (let k = 0; k < n; k++) {
      const className = `${suite[0]!.toUpperCase()}${suite.slice(1)}${k < n / 2 ? 'Core' : 'Edge'}Spec`;
      const name = `${suite} case ${k + 1}`;
      const file = `tests/${suite}/${className.toLowerCase()}.test.ts`;
      const flaky =
        (suite === 'e2e' && k === 0) || (suite === 'integration' && k === n - 1 && repoIndex % 2 === 1);
      out.push({
        testId: `${repo.service}/${suite}/${className}/${name}`,
        suite,
        className,
        name,
        file,
        flaky,
      });
    }
  }
  return out;
}
