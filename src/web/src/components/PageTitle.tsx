import { useFilters } from '../filters.js';

/** The page's name and the scope and period every number on it covers. */
export function PageTitle({ title, subtitle }: { title: string; subtitle: string }) {
  const [f] = useFilters();
  const last = new Date(Date.parse(`${f.to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const scope = f.repo ? `repository ${f.repo}` : f.team ? `team ${f.team}` : 'all teams';
  return (
    <div className="page-title">
      <h1>{title}</h1>
      <p>
        {subtitle} · <b data-testid="scope">{scope}</b> · {f.from} to {last} (UTC), compared with the{' '}
        {Math.round((Date.parse(f.to) - Date.parse(f.from)) / 86_400_000)} days before
      </p>
    </div>
  );
}
