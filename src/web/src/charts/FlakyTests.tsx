import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { iso, useFilters } from '../filters.js';

/** Tests that both passed and failed on the same commit, with the evidence, most recent first. */
export function FlakyTests() {
  const [f] = useFilters();
  const info = useMetricInfo('ci.tests.flaky_count');
  const { data, error } = useLoad(`flaky|${f.from}|${f.to}`, () =>
    api.flaky({ from: iso(f.from), to: iso(f.to) }),
  );
  const all = data?.tests ?? [];
  // The flaky read is organisation-wide; narrow it here by repository when the view is narrowed.
  const tests = f.repo ? all.filter((t) => t.repo === f.repo) : all;
  const sorted = [...tests].sort((a, b) => b.last_at.localeCompare(a.last_at));
  return (
    <Panel title="Flaky tests" info={info} explain="ci.tests.flaky_count" testid="flaky-tests" span={2}>
      {error && <p className="error">{error}</p>}
      <p>
        <b data-testid="flaky-count" data-value={tests.length} data-loaded={data ? '1' : '0'}>
          {tests.length}
        </b>{' '}
        tests flipped between pass and fail on the same commit
      </p>
      <div className="table-wrap short">
        <table className="mini">
          <thead>
            <tr>
              <th>Test</th>
              <th>Repository</th>
              <th className="num">Fails / passes</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {sorted.slice(0, 12).map((t) => (
              <tr key={t.test_id}>
                <td title={`${t.suite} ${t.class_name}`}>
                  {t.class_name ? `${t.class_name.split('.').pop()}.` : ''}
                  {t.name}
                </td>
                <td>{t.repo ?? '—'}</td>
                <td className="num">
                  {t.evidence.reduce((s, e) => s + e.failed, 0)} /{' '}
                  {t.evidence.reduce((s, e) => s + e.passed, 0)}
                </td>
                <td>{t.last_at.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
