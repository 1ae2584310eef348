/**
 * How a step state looks in the graph: a colour that keeps 3:1 contrast on
 * white and a symbol of its own, so that neither colour nor shape alone
 * carries the state (the label spells it out too).
 */
export const STEP_STYLE: Record<string, { color: string; symbol: string }> = {
  SUCCEEDED: { color: '#1d6b33', symbol: 'circle' },
  RUNNING: { color: '#0b57b0', symbol: 'roundRect' },
  QUEUED: { color: '#6b6e76', symbol: 'emptyCircle' },
  FAILED: { color: '#a11a1a', symbol: 'diamond' },
  UPSTREAM_FAILED: { color: '#a11a1a', symbol: 'emptyDiamond' },
  SKIPPED: { color: '#7a5200', symbol: 'emptyRect' },
  CANCELLED: { color: '#55575f', symbol: 'rect' },
};

/** The look of a state; one not listed (a newer API's) is grey circles, still labelled with its name. */
export function stepStyle(state: string): { color: string; symbol: string } {
  return STEP_STYLE[state] ?? { color: '#55575f', symbol: 'circle' };
}
