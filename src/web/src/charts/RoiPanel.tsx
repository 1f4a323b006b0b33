import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import { show } from '../format.js';

/**
 * The seed's Platform ROI card: the yearly value of developer hours saved and of fewer
 * incidents, against the investment, with ROI and break-even; in hours when no developer_hour
 * is configured. Whole organisation, baseline (the data's first weeks) against the last weeks.
 */
export function RoiPanel() {
  const { data, error } = useLoad('roi', () => api.roi());
  const s = data?.summary;
  const good = s ? (s.hoursPerYear ?? 0) > 0 : null;
  return (
    <Panel
      title="Platform ROI"
      testid="roi"
      about={{
        what: 'Yearly value of developer hours the platform saves (CI waits, test environments) and of fewer incidents, measured baseline against now, against what the platform costs a year.',
        why: 'The platform is an investment: this is its return in the unit the business decides in.',
        action:
          'If it is low, look at the line items below: the smallest saving is the next thing to fix; pitwall roi shows every input and where it came from.',
        target: 'Target: break-even within 12 months',
      }}
      note={
        data
          ? `Baseline ${data.windows.baseline.from.slice(0, 10)} to ${data.windows.baseline.to.slice(0, 10)} against ${data.windows.current.from.slice(0, 10)} to ${data.windows.current.to.slice(0, 10)}.`
          : undefined
      }
    >
      {error && <p className="error">{error}</p>}
      <div className={`kpi status-${good === null ? 'none' : good ? 'green' : 'red'}`}>
        <span className="light" />
        <span
          className="kpi-value"
          data-testid="roi-value"
          data-loaded={data ? '1' : '0'}
          data-value={s?.valuePerYear ?? s?.hoursPerYear ?? ''}
        >
          {s ? s.valueText : '…'}
        </span>
      </div>
      <p className="kpi-sub">(productivity + reduced incidents)</p>
      {s && (
        <p className="kpi-sub" data-testid="roi-investment">
          {s.investmentText
            ? `Investment: ${s.investmentText}`
            : s.inHours
              ? 'Set costs.developer_hour to see money'
              : 'Investment: not configured (costs.platform_investment_per_year)'}
          {s.roiPercent !== null && ` · ROI ${Math.round(s.roiPercent)}%`}
          {s.breakEvenMonths !== null && ` · break-even ${show(s.breakEvenMonths, 'months').text} months`}
        </p>
      )}
      {data && (
        <table className="mini" data-testid="roi-items">
          <thead>
            <tr>
              <th>Saving</th>
              <th className="num">Hours/year</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.id} title={i.source}>
                <td>{i.title}</td>
                <td className="num">{show(i.hoursPerYear, 'hours').text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
