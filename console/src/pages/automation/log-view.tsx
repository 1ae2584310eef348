import { useLayoutEffect, useRef } from 'react';
import { ErrorBox } from '../../ui/error-box';
import { Loading } from '../../ui/status';
import type { LogLine } from './types';

/**
 * Log lines in a scrollable, focusable `<pre>` (role log: new lines are
 * announced politely). It follows new lines while the reader is at the
 * bottom, and stays put once they scroll up to read.
 */
export function LogView({ lines, label, showStep, live, loaded, error }: { lines: LogLine[]; label: string; showStep: boolean; live: boolean; loaded: boolean; error?: Error }) {
  const pre = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = pre.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines.length]);
  const text = lines.map((l) => `${new Date(l.time).toLocaleTimeString()}  ${showStep ? `[${l.step}] ` : ''}${l.line}`).join('\n');
  return (
    <>
      <ErrorBox error={error} />
      {!loaded && !error ? <Loading what="Loading logs…" /> : null}
      <pre
        ref={pre}
        className="run-log"
        role="log"
        aria-label={label}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
        }}
      >
        {text || (loaded ? 'No log lines yet.' : '')}
      </pre>
      <p className="muted small">{live ? 'The run is unfinished: new lines appear as they are written.' : `${lines.length} line${lines.length === 1 ? '' : 's'}.`}</p>
    </>
  );
}
