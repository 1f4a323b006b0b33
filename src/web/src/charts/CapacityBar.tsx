import type { CSSProperties } from 'react';
import { show } from '../format.js';
import type { Latest } from './latest-values.js';

const ROW: CSSProperties = { gridTemplateColumns: '110px 1fr 110px 60px' };

/**
 * One capacity row: "8 of 15 busy" beside a bar filled to the registry's share, coloured by
 * that share's thresholds. The share is the API's number; the bar only draws it.
 */
export function CapacityBar({
  label,
  used,
  total,
  share,
  verb,
  testid,
}: {
  label: string;
  used: Latest;
  total: Latest;
  share: Latest;
  verb: string;
  testid: string;
}) {
  const pct = share.value === null ? 0 : Math.min(100, share.value * 100);
  return (
    <li style={ROW} data-testid={testid} data-used={used.value ?? ''} data-total={total.value ?? ''}>
      <span>{label}</span>
      <span className="bar">
        <span className={`fill status-${share.status}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="num" data-testid={`${testid}-text`}>
        {show(used.value, '').text} of {show(total.value, '').text} {verb}
      </span>
      <span className="num">{show(share.value, 'ratio').text}%</span>
    </li>
  );
}
