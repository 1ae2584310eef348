import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways inside its own box (wide feeds, a phone):
 * the box takes focus, so the keyboard can scroll it too, and is named for
 * screen readers as the table it holds.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}
