import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, PALETTE, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { show, statusOf } from '../format.js';
import type { InnerLoop, InnerLoopRow } from '../types.js';

/**
 * Where developers wait (the inner loop): every number comes from GET /api/v1/inner-loop,
 * which withholds aggregates over fewer than 5 people; the panels show the reason instead.
 * No maths here beyond formatting. data-value carries the API's number for the browser tests.
 */
export function useInnerLoop(): { data: InnerLoop | null; error: string | null } {
  const [f] = useFilters();
  const q = { from: iso(f.from), to: iso(f.to), team: f.team, repo: f.repo };
  const { data, error } = useLoad(`inner-loop|${JSON.stringify(q)}`, () => api.innerLoop(q));
  return { data, error };
}

const bytes = (b: number | null) => {
  if (b === null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 10 ? 0 : 1)} ${units[i]}`;
};
const minutes = (s: number | null) =>
  s === null ? '—' : s < 60 ? `${show(s, 's').text} s` : `${show(s / 60, 'min').text} min`;

/** One headline number of the report, with its registry metric's meaning and target. */
function Kpi({
  metric,
  value,
  withheld,
  testid,
  loaded,
}: {
  metric: string;
  value: number | null;
  withheld: string | null;
  testid: string;
  loaded: boolean;
}) {
  const info = useMetricInfo(metric);
  const unit = info?.unit ?? '';
  const s = show(value, unit);
  const status = info ? statusOf(value, info.direction, info.thresholds) : 'none';
  return (
    <Panel
      title={info?.title ?? metric}
      info={info}
      testid={`il-tile-${testid}`}
      note={withheld ?? undefined}
    >
      <div className={`kpi status-${status}`}>
        <span className="light" />
        <span
          className="kpi-value"
          data-testid={`il-${testid}`}
          data-value={value ?? ''}
          data-loaded={loaded ? '1' : '0'}
        >
          {s.text}
        </span>
        <span className="kpi-unit">{s.unit}</span>
      </div>
    </Panel>
  );
}

/** The scope's headline figures: median, runs per day, hours per week, success, network share. */
export function InnerLoopSummary({ data }: { data: InnerLoop | null }) {
  const s = data?.summary;
  const w = s?.withheld ?? null;
  return (
    <>
      <Kpi
        loaded={Boolean(data)}
        metric="local.commands.duration_p50_seconds"
        value={s?.p50Seconds ?? null}
        withheld={w}
        testid="p50"
      />
      <Kpi
        loaded={Boolean(data)}
        metric="local.commands.hours_per_week"
        value={s?.hoursPerWeek ?? null}
        withheld={w}
        testid="hours"
      />
      <Kpi
        loaded={Boolean(data)}
        metric="local.commands.runs_per_day"
        value={s?.runsPerDay ?? null}
        withheld={w}
        testid="runs"
      />
      <Kpi
        loaded={Boolean(data)}
        metric="local.commands.test_build_success_rate"
        value={s?.testBuildSuccessRate ?? null}
        withheld={w}
        testid="success"
      />
      <Kpi
        loaded={Boolean(data)}
        metric="local.installs.network_share"
        value={s?.installNetworkShare ?? null}
        withheld={
          w ??
          (s && !s.installsMeasured
            ? 'No install has a measured network time yet: run installs through `pitwall run --`.'
            : null)
        }
        testid="network"
      />
    </>
  );
}

/** The chokepoints found automatically: normalised commands ranked by the time they cost. */
export function Chokepoints({ data, limit = 10 }: { data: InnerLoop | null; limit?: number }) {
  const list = data?.chokepoints.slice(0, limit) ?? [];
  const hidden = data?.chokepointsWithheld;
  return (
    <Panel
      title="Chokepoints: where developers wait"
      testid="il-chokepoints"
      wide
      about={{
        what: 'Commands grouped by program and subcommand (npm test, cargo build) per repository, ranked by the time all their runs took: median × runs a day, and the measured total.',
        why: 'The top line is where a fix returns the most hours; a small speed-up of a frequent command beats a big one of a rare command.',
        action:
          'Take the top chokepoint: cache it, run only what changed (affected tests, incremental builds), or move it off the critical path.',
      }}
      note={
        hidden?.groups
          ? `${hidden.groups} command group${hidden.groups === 1 ? '' : 's'} not listed: ${hidden.reason}.`
          : undefined
      }
    >
      {!data ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="il-chokepoints-empty">
          {data.summary.withheld ?? 'No command group has enough runs by enough people yet.'}
        </p>
      ) : (
        <ol className="insights" data-testid="il-chokepoint-list" data-count={list.length}>
          {list.map((c) => (
            <li
              key={`${c.program}|${c.repo}`}
              data-testid="il-chokepoint"
              data-program={c.program}
              data-repo={c.repo ?? ''}
              data-hours-week={c.hoursPerWeek}
              data-p50={c.p50Seconds}
              data-runs-day={c.runsPerDay}
            >
              <div>
                <b className="il-text">{c.text}</b>
                <div className="muted">
                  {c.category ?? 'uncategorised'} · p90 {minutes(c.p90Seconds)} ·{' '}
                  {show(c.failureRate, 'ratio').text}% failed · {c.people} people
                </div>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

/** Slowest groups (by category or by repository): p50, p90, runs a day, hours a week. */
export function SlowestTable({
  data,
  by,
  limit,
}: {
  data: InnerLoop | null;
  by: 'category' | 'repo';
  limit?: number;
}) {
  const rows: InnerLoopRow[] = (by === 'category' ? data?.byCategory : data?.byRepo) ?? [];
  const shown = limit ? rows.slice(0, limit) : rows;
  return (
    <Panel
      title={by === 'category' ? 'Slowest categories' : 'Slowest repositories'}
      testid={`il-by-${by}`}
      span={2}
      about={{
        what: `Local commands by ${by === 'category' ? 'category (test, build, lint, install, git)' : 'repository'}: median and p90 wall time, runs a day and hours a week, most hours first.`,
        why: 'Hours a week is frequency × duration: the number a fix is sized by.',
        action:
          by === 'category'
            ? 'Start with the category that costs the most hours; its chokepoints name the commands.'
            : 'A repository far above the others has a slow setup or test suite worth a focused fix.',
      }}
    >
      {!data ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No local commands recorded in this period.</p>
      ) : (
        <table className="mini">
          <thead>
            <tr>
              <th>{by}</th>
              <th className="num">p50</th>
              <th className="num">p90</th>
              <th className="num">runs/day</th>
              <th className="num">h/week</th>
              <th className="num">failed</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr
                key={String(r.key)}
                data-testid={`il-${by}-row`}
                data-key={r.key ?? ''}
                data-p50={r.p50Seconds ?? ''}
                data-withheld={r.withheld ? '1' : '0'}
              >
                <td>{r.key ?? (by === 'repo' ? 'outside any repository' : 'uncategorised')}</td>
                {r.withheld ? (
                  <td colSpan={5} className="muted">
                    {r.withheld}
                  </td>
                ) : (
                  <>
                    <td className="num">{minutes(r.p50Seconds)}</td>
                    <td className="num">{minutes(r.p90Seconds)}</td>
                    <td className="num">{show(r.runsPerDay, 'runs').text}</td>
                    <td className="num">{show(r.hoursPerWeek, 'h').text}</td>
                    <td className="num">{show(r.failureRate, 'ratio').text}%</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** Hours a week per category, week by week (partial weeks at the edges scaled to 7 days). */
export function InnerLoopTrend({ data }: { data: InnerLoop | null }) {
  const option = useMemo<ChartOption | null>(() => {
    if (!data?.trend.length) return null;
    const weeks = [...new Set(data.trend.map((t) => t.week))].sort();
    const cats = [...new Set(data.trend.map((t) => t.category ?? 'uncategorised'))].sort();
    return {
      color: PALETTE,
      grid: { left: 48, right: 16, top: 30, bottom: 24 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: weeks.map((w) => w.slice(0, 10)) },
      yAxis: { type: 'value', name: 'h/week' },
      series: cats.map((c) => ({
        name: c,
        type: 'bar',
        stack: 'hours',
        data: weeks.map(
          (w) =>
            data.trend.find((t) => t.week === w && (t.category ?? 'uncategorised') === c)?.hoursPerWeek ??
            null,
        ),
      })),
    };
  }, [data]);
  const withheld = data?.trend.filter((t) => t.withheld).length ?? 0;
  return (
    <Panel
      title="Local command hours per week, by category"
      testid="il-trend"
      span={2}
      info={useMetricInfo('local.commands.hours_per_week')}
      note={withheld ? `${withheld} week/category cells withheld: fewer than 5 people.` : undefined}
    >
      {option ? <Chart option={option} height={220} /> : <p className="muted">No weeks with enough data.</p>}
    </Panel>
  );
}

/** Developer caches and free disk, from the agent's samples (latest per machine). */
export function DevCaches({ data }: { data: InnerLoop | null }) {
  return (
    <Panel
      title="Developer caches and free disk"
      testid="il-caches"
      span={2}
      about={{
        what: 'Sizes of the known developer caches (~/.npm, ~/.cache/pip, ~/.m2, ~/.gradle, ~/.cargo, Go build cache) and free disk, the latest sample of each machine: median per machine.',
        why: 'A cache that is empty or wiped makes every install and build download and compile again; a full disk makes them fail.',
        action:
          'Machines low on disk: clean old caches with the tool’s own command; caches near zero: check CI images or scripts that wipe them.',
      }}
    >
      {!data ? (
        <p className="muted">Loading…</p>
      ) : !data.caches.length && !data.diskFree ? (
        <p className="muted" data-testid="il-caches-empty">
          No cache or disk samples yet: the agent (pitwall agent run) sends them as dev.cache.size_bytes and
          dev.disk.free_bytes.
        </p>
      ) : (
        <table className="mini">
          <thead>
            <tr>
              <th>cache</th>
              <th className="num">machines</th>
              <th className="num">median</th>
            </tr>
          </thead>
          <tbody>
            {data.caches.map((c) => (
              <tr key={c.cache} data-testid="il-cache-row" data-value={c.medianBytes ?? ''}>
                <td>{c.cache}</td>
                <td className="num">{c.hosts}</td>
                <td className="num">
                  {c.withheld ? <span className="muted">withheld</span> : bytes(c.medianBytes)}
                </td>
              </tr>
            ))}
            {data.diskFree && (
              <tr data-testid="il-disk-row" data-value={data.diskFree.medianBytes ?? ''}>
                <td>free disk</td>
                <td className="num">{data.diskFree.hosts}</td>
                <td className="num">
                  {data.diskFree.withheld ? (
                    <span className="muted">withheld</span>
                  ) : (
                    bytes(data.diskFree.medianBytes)
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** The team page's panel: the team's headline, its top chokepoints, or why they are withheld. */
export function InnerLoopTeamPanel() {
  const { data, error } = useInnerLoop();
  return (
    <>
      {error && <p className="error">{error}</p>}
      {data?.summary.withheld ? (
        <Panel
          title="Inner loop"
          testid="il-team-withheld"
          wide
          about={{
            what: 'Local commands of this team: where its developers wait.',
            why: 'Figures over fewer than 5 people could single someone out.',
            action: 'Look at the whole organisation’s Inner loop page instead.',
          }}
        >
          <p className="muted">{data.summary.withheld}</p>
        </Panel>
      ) : (
        <>
          <InnerLoopSummary data={data} />
          <Chokepoints data={data} limit={5} />
        </>
      )}
    </>
  );
}
