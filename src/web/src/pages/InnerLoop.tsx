import {
  Chokepoints,
  DevCaches,
  InnerLoopSummary,
  InnerLoopTrend,
  SlowestTable,
  useInnerLoop,
} from '../charts/InnerLoopPanels.js';
import { PageTitle } from '../components/PageTitle.js';

/**
 * Where developers wait: the commands they run on their own machines (tests, builds, installs),
 * the chokepoints found automatically, trends and caches. Groups of fewer than 5 people are
 * withheld; nobody is ranked.
 */
export function InnerLoop() {
  const { data, error } = useInnerLoop();
  return (
    <>
      <PageTitle
        title="Inner loop"
        subtitle="Local tests, builds and installs: where developers wait, and what it costs each week"
      />
      {error && <p className="error">{error}</p>}
      <div className="grid">
        <InnerLoopSummary data={data} />
        <Chokepoints data={data} />
        <SlowestTable data={data} by="category" />
        <SlowestTable data={data} by="repo" />
        <InnerLoopTrend data={data} />
        <DevCaches data={data} />
      </div>
    </>
  );
}
