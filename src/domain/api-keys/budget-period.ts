import type { BudgetPeriod } from './api-key.ts';

/**
 * Start (Unix ms, UTC) of the budget period containing `now`. daily = 00:00 UTC today,
 * monthly = 00:00 UTC on the 1st; null period = lifetime budget, counted from the key's creation.
 */
export function budgetPeriodStart(period: BudgetPeriod | null, now: number, createdAt: number): number {
  const date = new Date(now);
  switch (period) {
    case null:
      return createdAt;
    case 'daily':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    case 'monthly':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
}

/** When the current period ends (the budget resets); null for lifetime budgets. */
export function budgetPeriodEnd(period: BudgetPeriod | null, now: number): number | null {
  const date = new Date(now);
  switch (period) {
    case null:
      return null;
    case 'daily':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
    case 'monthly':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
}
