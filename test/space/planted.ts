/**
 * A planted organisation with known answers: two weeks, six `core` developers who commit, open
 * PRs into acme/api and review each other, two `web` developers who each send one PR to the
 * core repository (cross-team), ten survey respondents, and AI-assistant points from five
 * developers. Every figure the SPACE tests expect is counted by hand from these rows.
 */
export const WINDOW = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-18T00:00:00Z') };
const H = 3_600_000;
const CORE = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
const WEB = ['w1', 'w2'];
const at = (day: number, hour = 10) => new Date(WINDOW.from.getTime() + day * 24 * H + hour * H);

export function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { kind: 'repo', repo: 'acme/api', team: 'core' },
    { kind: 'repo', repo: 'acme/web', team: 'web' },
    ...CORE.map((login) => ({ kind: 'person', login, team: 'core' })),
    ...WEB.map((login) => ({ kind: 'person', login, team: 'web' })),
    { kind: 'person', login: 'renovate[bot]', is_bot: true },
  ];
  let number = 0;
  const pr = (author: string, day: number, approved: boolean, reviewer: string) => {
    number++;
    const created = at(day);
    out.push({
      kind: 'pull_request',
      repo: 'acme/api',
      number,
      author,
      title: `change ${number}`,
      state: 'merged',
      created_at: created,
      merged_at: new Date(created.getTime() + 8 * H),
      closed_at: new Date(created.getTime() + 8 * H),
      comments: 2,
    });
    // Every PR is first reviewed 6 hours after it opens.
    out.push({
      kind: 'review',
      repo: 'acme/api',
      pr_number: number,
      review_id: `r${number}`,
      reviewer,
      state: approved ? 'approved' : 'commented',
      submitted_at: new Date(created.getTime() + 6 * H),
      // Review comments on the PR are summed from its reviews by enrichment.
      comments: 1,
    });
  };
  // Core: two PRs each (12), three of them reviewed without approval; ten commits each.
  CORE.forEach((d, i) => {
    const next = CORE[(i + 1) % CORE.length]!;
    pr(d, i, true, next);
    pr(d, i + 7, i >= 3, next);
    for (let c = 0; c < 10; c++)
      out.push({
        kind: 'commit',
        repo: 'acme/api',
        sha: `${i}${c}`.padEnd(40, 'a'),
        author: d,
        authored_at: at(c, 9),
        committed_at: at(c, 9),
        subject: `work ${c}`,
      });
  });
  // Web: one cross-team PR each into the core repository, approved by d1.
  WEB.forEach((w, i) => pr(w, 2 + i, true, 'd1'));
  // A bot's PR counts nowhere.
  out.push({
    kind: 'pull_request',
    repo: 'acme/api',
    number: 999,
    author: 'renovate[bot]',
    title: 'bump',
    state: 'open',
    created_at: at(1),
  });
  // Survey: ten respondents, six in core and four in web.
  const nps = [10, 10, 9, 8, 8, 7, 6, 5, 3, 10];
  const flow = [0, 1, 3, 3, 4, 5, 5, 2, 3, 0];
  const load = [4, 5, 2, 3, 3, 1, 2, 4, 3, 2];
  // The efficiency dimension's own survey item (mean 3.2): it scores the dimension directly.
  const efficiency = [3, 4, 2, 3, 4, 3, 3, 4, 3, 3];
  for (let r = 0; r < 10; r++) {
    const base = { survey: 'pulse-2024-03', respondent: `p${r}`, team: r < 6 ? 'core' : 'web' };
    for (const [question, score] of [
      ['nps', nps[r]!],
      ['flow_days', flow[r]!],
      ['cognitive_load', load[r]!],
      ['space_efficiency', efficiency[r]!],
    ] as const)
      out.push({ kind: 'survey_response', ...base, question, answered_at: at(3), score });
    // The previous quarter: everyone a promoter (NPS 100).
    out.push({
      kind: 'survey_response',
      ...base,
      survey: 'pulse-2024-01',
      question: 'nps',
      answered_at: new Date('2024-01-15T10:00:00Z'),
      score: 10,
    });
  }
  // AI assistant: d1..d4 and w1 use it (daily counters tagged with the user); d5 sent a zero.
  for (const user of ['d1', 'd2', 'd3', 'd4', 'w1'])
    for (let day = 0; day < 3; day++)
      out.push({
        kind: 'metric_point',
        name: 'ai.assistant.sessions',
        occurred_at: at(day, 12),
        type: 'count',
        value: 3,
        tags: { user },
      });
  out.push({
    kind: 'metric_point',
    name: 'ai.assistant.sessions',
    occurred_at: at(1, 12),
    type: 'count',
    value: 0,
    tags: { user: 'd5' },
  });
  return out;
}
