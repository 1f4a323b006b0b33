import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api.js';
import { useLoad } from '../data.js';
import { defaultWindow, useFilters } from '../filters.js';
import { ExplainProvider } from './ExplainDrawer.js';

const PRESETS = [7, 30, 90, 180];

/** Header, dashboard tabs and the filters every dashboard shares (all kept in the URL). */
export function Layout() {
  const [filters, update] = useFilters();
  const location = useLocation();
  const navigate = useNavigate();
  const teams = useLoad('teams', () => api.teams()).data?.teams ?? [];
  const repos = useLoad('repos', () => api.repos()).data?.repos ?? [];
  const onTeamPage = location.pathname.startsWith('/team/');
  const keep = new URLSearchParams({ from: filters.from, to: filters.to }).toString();
  const firstTeam = filters.team ?? teams[0]?.team;
  const days = Math.round((Date.parse(filters.to) - Date.parse(filters.from)) / 86_400_000);
  const setTeam = (team: string) => {
    // On a team's page the team is the page itself; elsewhere it is a filter.
    if (onTeamPage && team) {
      const q = new URLSearchParams(location.search);
      q.delete('repo');
      navigate(`/team/${encodeURIComponent(team)}?${q}`);
    } else update({ team, repo: null });
  };
  return (
    <ExplainProvider>
      <header className="top">
        <div className="brand">Pitwall</div>
        <nav>
          <NavLink to={`/executive?${keep}`}>Executive</NavLink>
          <NavLink to={`/platform?${keep}`}>Platform</NavLink>
          <NavLink to={`/space?${keep}`}>SPACE</NavLink>
          <NavLink to={`/experiments?${keep}`}>Experiments</NavLink>
          <NavLink to={`/correlations?${keep}`}>Correlations</NavLink>
          <NavLink to={`/feedback-insights?${keep}`}>Feedback</NavLink>
          <NavLink to={`/test-environments?${keep}`}>Test environments</NavLink>
          <NavLink to={`/inner-loop?${keep}`}>Inner loop</NavLink>
          {firstTeam && <NavLink to={`/team/${encodeURIComponent(firstTeam)}?${keep}`}>Team</NavLink>}
        </nav>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Period
            <select
              data-testid="filter-preset"
              value={PRESETS.includes(days) ? String(days) : ''}
              onChange={(e) => e.target.value && update(defaultWindow(Date.now(), Number(e.target.value)))}
            >
              <option value="">custom</option>
              {PRESETS.map((d) => (
                <option key={d} value={d}>
                  last {d} days
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input
              type="date"
              data-testid="filter-from"
              value={filters.from}
              onChange={(e) => e.target.value && update({ from: e.target.value })}
            />
          </label>
          <label>
            To (excl.)
            <input
              type="date"
              data-testid="filter-to"
              value={filters.to}
              onChange={(e) => e.target.value && update({ to: e.target.value })}
            />
          </label>
          <label>
            Team
            <select
              data-testid="filter-team"
              value={filters.team ?? ''}
              onChange={(e) => setTeam(e.target.value)}
            >
              {!onTeamPage && <option value="">all teams</option>}
              {teams.map((t) => (
                <option key={t.team} value={t.team}>
                  {t.name || t.team}
                </option>
              ))}
            </select>
          </label>
          <label>
            Repository
            <select
              data-testid="filter-repo"
              value={filters.repo ?? ''}
              onChange={(e) => update({ repo: e.target.value })}
            >
              <option value="">all repositories</option>
              {repos
                .filter((r) => !filters.team || r.team === filters.team)
                .map((r) => (
                  <option key={r.repo} value={r.repo}>
                    {r.repo}
                  </option>
                ))}
            </select>
          </label>
        </form>
      </header>
      <main>
        <Outlet />
      </main>
    </ExplainProvider>
  );
}
