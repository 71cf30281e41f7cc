import type { ApiKey } from '../api-keys/api-key.ts';
import { budgetPeriodStart } from '../api-keys/budget-period.ts';
import type { UsageLedger } from './usage-ledger.ts';

/**
 * USD a key spent in its current budget period, summed from the shared ledger (so every replica
 * sees the same number, and it is right after a restart). Lifetime when there is no period.
 */
export function currentSpend(ledger: UsageLedger, key: ApiKey, now: number): Promise<number> {
  return ledger.spendSince(key.id, budgetPeriodStart(key.budgetPeriod, now, key.createdAt));
}
