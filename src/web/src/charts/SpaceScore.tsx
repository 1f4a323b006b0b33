import { Link, useSearchParams } from 'react-router';
import type { SpaceResponse } from '../../../client/index.js';
import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import { iso, useFilters, type Filters } from '../filters.js';

export type Space = SpaceResponse;
export type SpaceDimension = Space['dimensions'][number];
export type SpaceMeasure = SpaceDimension['measures'][number];

/** The SPACE report for the view's window and team: one read shared by the page's panels. */
export function useSpace(f: Filters) {
  return useLoad(`space|${f.from}|${f.to}|${f.team ?? ''}`, () =>
    api.space({ from: iso(f.from), to: iso(f.to), ...(f.team ? { team: f.team } : {}) }),
  );
}

/** Wider than the shared bar rows: the score, its target badge and last quarter sit beside the bar. */
const ROW = { gridTemplateColumns: '1fr 110px 44px 150px 170px' } as const;

export const scoreText = (s: number | null) => (s === null ? '—' : s.toFixed(1));

/** "↑ from 3.8 last quarter": the change of a score against the quarter before the window. */
export function quarterText(score: number | null, previous: number | null): string {
  if (score === null || previous === null) return 'no score last quarter';
  const d = Math.round((score - previous) * 10) / 10;
  const arrow = d > 0 ? '↑' : d < 0 ? '↓' : '■';
  return `${arrow} ${d > 0 ? 'up ' : d < 0 ? 'down ' : ''}from ${previous.toFixed(1)} last quarter`;
}

/** The executive SPACE health panel: a bar per dimension (score of 5), its target, last quarter, overall. */
export function SpaceScore() {
  const [f] = useFilters();
  const [params] = useSearchParams();
  const { data, error } = useSpace(f);
  return (
    <Panel
      title="SPACE framework health (vs target)"
      testid="space-score"
      span={2}
      note={f.repo ? 'Team or organisation only: SPACE has no repository breakdown.' : undefined}
      about={{
        what: 'A 1–5 score for each SPACE dimension: its survey item when developers answered it, else how close its measures are to their targets (4.5 = every measure at target).',
        why: 'Productivity is more than activity: the five dimensions together show whether developers are satisfied, effective and in flow.',
        action:
          'Open the SPACE deep dive for the dimension furthest below its target and act on its reddest measure.',
        target: data ? `Target ${data.overall.target.toFixed(1)}/5` : undefined,
      }}
    >
      {error && <p className="error">{error}</p>}
      <ul className="bars" data-loaded={data || error ? '1' : '0'}>
        {data?.dimensions.map((d) => (
          <li
            key={d.dimension}
            data-testid={`space-score-${d.dimension}`}
            data-score={d.score ?? ''}
            style={ROW}
          >
            <span>
              <Link to={`/space?${params.toString()}#${d.dimension}`}>{d.title}</Link>
            </span>
            <span className="bar">
              <span
                className={`fill status-${d.status}`}
                style={{ width: `${((d.score ?? 0) / 5) * 100}%` }}
              />
            </span>
            <span className="num">{scoreText(d.score)}/5</span>
            <span className={`badge status-${d.status}`}>
              {d.score === null
                ? 'No data'
                : d.status === 'green'
                  ? '✓ At or above target'
                  : `Target: ${d.target.toFixed(1)}`}
            </span>
            <span className="muted">{quarterText(d.score, d.previous)}</span>
          </li>
        ))}
      </ul>
      {data && (
        <p
          className={`kpi-sub status-${data.overall.status}`}
          data-testid="space-overall"
          data-score={data.overall.score ?? ''}
        >
          <span className="light" />
          <b>Overall score: {scoreText(data.overall.score)}/5</b>
          <span className="muted">({quarterText(data.overall.score, data.overall.previous)})</span>
        </p>
      )}
    </Panel>
  );
}
