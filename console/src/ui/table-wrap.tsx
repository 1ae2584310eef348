import type { ReactNode } from 'react';

/**
 * A table's scrolling box, reachable from the keyboard: on a narrow screen
 * the table scrolls inside it, and a keyboard user must be able to focus it
 * to scroll (axe: scrollable-region-focusable).
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>{children}</div>;
}
