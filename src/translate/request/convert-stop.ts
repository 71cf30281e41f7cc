/**
 * `stop` → `stop_sequences`. Whitespace-only/empty sequences never work on Claude (compat layer:
 * "all non-whitespace stop sequences work"), so they are dropped (adjustment); duplicates removed.
 * @see ../shared/protocol.md §1.1 (`stop`), §6.9
 */
import type { Adjustments } from './adjustments.ts';

export function convertStop(stop: string | string[] | null | undefined, adj: Adjustments): string[] | undefined {
  if (stop == null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  const kept: string[] = [];
  let blank = 0;
  for (const s of list) {
    if (s.trim() === '') blank++;
    else if (!kept.includes(s)) kept.push(s);
  }
  if (blank > 0) adj.add('stop', 'dropped', `${blank} whitespace-only sequences`, true);
  return kept.length > 0 ? kept : undefined;
}
