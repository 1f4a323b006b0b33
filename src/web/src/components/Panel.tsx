import type { ReactNode } from 'react';
import { targetText } from '../format.js';
import type { MetricInfo } from '../types.js';
import { useExplain } from './ExplainDrawer.js';

interface PanelProps {
  title: string;
  /** The metric this panel is about: its meaning, why, action and target come from the registry. */
  info?: MetricInfo | undefined;
  /** Meaning/why/what-to-do for panels that are not one registry metric. */
  about?: { what: string; why: string; action: string; target?: string };
  /** Metric whose rows are one click away. */
  explain?: string;
  testid?: string;
  wide?: boolean;
  /** Grid columns to take (of 4 on a wide screen). */
  span?: 2 | 3;
  children: ReactNode;
  note?: string | undefined;
}

/** A dashboard card: every one says what it shows, why it matters, what to do, and its target. */
export function Panel({ title, info, about, explain, testid, wide, span, children, note }: PanelProps) {
  const openExplain = useExplain();
  const what = about?.what ?? info?.description;
  const why = about?.why ?? info?.why;
  const action = about?.action ?? info?.action;
  const target = about?.target ?? (info ? targetText(info.thresholds, info.direction, info.unit) : undefined);
  return (
    <section className={`panel${wide ? ' wide' : ''}${span ? ` span${span}` : ''}`} data-testid={testid}>
      <header className="panel-head">
        <h3>{title}</h3>
        {target && <span className="target">{target}</span>}
      </header>
      {what && <p className="what">{what}</p>}
      <div className="panel-body">{children}</div>
      {note && <p className="note">{note}</p>}
      <footer className="panel-foot">
        {(why || action) && (
          <details>
            <summary>Why it matters · what to do</summary>
            {why && (
              <p>
                <b>Why:</b> {why}
              </p>
            )}
            {action && (
              <p>
                <b>Do:</b> {action}
              </p>
            )}
          </details>
        )}
        {explain && (
          <button
            type="button"
            className="link"
            data-testid={`explain-${explain}`}
            onClick={() => openExplain(explain)}
          >
            Rows behind →
          </button>
        )}
      </footer>
    </section>
  );
}
