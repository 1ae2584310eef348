import { money } from '../../ui/format';
import type { Money } from './types';

/**
 * Spend against a budget as a meter with the numbers written beside it, so
 * neither the bar's length nor its colour is the only cue.
 */
export function SpendMeter({ spent, budget, label }: { spent: Money; budget: Money | undefined; label: string }) {
  if (!budget || budget.amount <= 0) return <span>{money(spent.amount, spent.currency)} <span className="muted">(no budget)</span></span>;
  const share = spent.amount / budget.amount;
  return (
    <div className="spend-meter">
      <meter min={0} max={budget.amount} value={Math.min(spent.amount, budget.amount)} low={budget.amount * 0.8} high={budget.amount * 0.99} optimum={0} aria-label={label} />
      <span className="numbers">{money(spent.amount, spent.currency)} of {money(budget.amount, budget.currency)} ({(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 0)} %)</span>
    </div>
  );
}
