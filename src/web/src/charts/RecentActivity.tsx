import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { show, withheldShort } from '../format.js';
import type { MetricPoint } from '../types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The hour the panel covers: the last hour before now, or before the view's end when the view
 * looks at the past (so an older window shows its own last hour, not an empty present).
 */
export function lastHour(to: string, now = Date.now()): { from: string; to: string } {
  // Whole minutes: the window (the read's key) stays the same across renders within a minute.
  const end = Math.min(Math.floor(now / MINUTE) * MINUTE, Date.parse(iso(to)));
  return { from: new Date(end - HOUR).toISOString(), to: new Date(end).toISOString() };
}

const parts = (values: MetricPoint[]) =>
  values
    .filter((v) => v.value)
    .map((v) => `${show(v.value, '').text} ${v.group ?? 'unknown'}`)
    .join(', ');

/** Deployments, builds and active developers in the last hour: registry metrics over a one-hour window. */
export function RecentActivity() {
  const [filters] = useFilters();
  const hour = lastHour(filters.to);
  const { data, error } = useLoad(`recent|${hour.from}|${hour.to}`, async () => {
    const get = (name: string, by?: string) =>
      api.metric(name, { ...hour, ...(by ? { by } : {}) }).then((s) => s.values);
    const [deploys, deploysBy, builds, buildsBy, people] = await Promise.all([
      get('platform.activity.deployments'),
      get('platform.activity.deployments', 'status'),
      get('platform.activity.builds'),
      get('platform.activity.builds', 'conclusion'),
      get('platform.activity.developers'),
    ]);
    return {
      deploys: deploys[0]?.value ?? 0,
      deploysBy,
      builds: builds[0]?.value ?? 0,
      buildsBy,
      people: people[0] ?? null,
    };
  });
  const quiet = data && !data.deploys && !data.builds && !data.people?.value;
  return (
    <Panel
      title="Recent activity (last hour)"
      testid="recent-activity"
      span={2}
      about={{
        what: `Deployments, pipeline runs and distinct active developers from ${hour.from.slice(11, 16)} to ${hour.to.slice(11, 16)} UTC on ${hour.to.slice(0, 10)}.`,
        why: 'What the platform is doing right now: a burst of failures or a silent CI shows here before any daily metric moves.',
        action:
          'A failed deployment or a run of failed builds: open Pipeline health below and the alerts above.',
      }}
    >
      {error && <p className="error">{error}</p>}
      {quiet && (
        <p className="muted" data-testid="recent-activity-empty">
          Nothing in this hour. Deployments and builds come from the CI and delivery collectors (github,
          gitlab, jenkins, argocd); people also from git and the shell agent.
        </p>
      )}
      <ul
        className="mini"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
        data-loaded={data || error ? '1' : '0'}
      >
        <li data-testid="recent-deployments" data-value={data?.deploys ?? ''}>
          Deployments: <b>{show(data?.deploys, '').text}</b>
          {data && parts(data.deploysBy) && <span className="muted"> ({parts(data.deploysBy)})</span>}
        </li>
        <li data-testid="recent-builds" data-value={data?.builds ?? ''}>
          Builds: <b>{show(data?.builds, '').text}</b>
          {data && parts(data.buildsBy) && <span className="muted"> ({parts(data.buildsBy)})</span>}
        </li>
        <li
          data-testid="recent-developers"
          data-value={data?.people?.value ?? ''}
          data-withheld={data?.people?.withheld ?? undefined}
          title={data?.people?.withheld ?? undefined}
        >
          Active developers:{' '}
          <b>
            {data?.people?.withheld
              ? withheldShort(data.people.withheld)
              : show(data?.people?.value, '').text}
          </b>
        </li>
      </ul>
    </Panel>
  );
}
