/**
 * Prompt-cache breakpoints. Client `cache_control` markers (content parts, messages, tools,
 * top-level) are passed through by the converters. Policy `auto` adds up to the 4-breakpoint limit,
 * in order of value: the last block of the conversation tail, the last system block, the last tool.
 * It adds nothing when the client already uses a 1h TTL anywhere (longer TTLs must precede shorter
 * ones, so the client is managing placement itself).
 * @see ../shared/protocol.md §3.7
 */
import type { CacheControl, ContentBlockParam, MessagesRequest, TextBlockParam } from '../../protocol/anthropic/messages.ts';

export type CachePolicy = 'off' | 'auto';

export const MAX_BREAKPOINTS = 4;

function blockMarkers(blocks: readonly ContentBlockParam[]): CacheControl[] {
  const out: CacheControl[] = [];
  for (const b of blocks) {
    if ('cache_control' in b && b.cache_control) out.push(b.cache_control);
    if (b.type === 'tool_result' && Array.isArray(b.content)) {
      for (const c of b.content) if (c.cache_control) out.push(c.cache_control);
    }
  }
  return out;
}

function markers(req: MessagesRequest): CacheControl[] {
  const out: CacheControl[] = [];
  if (req.cache_control) out.push(req.cache_control);
  for (const t of req.tools ?? []) if (t.cache_control) out.push(t.cache_control);
  if (Array.isArray(req.system)) for (const s of req.system) if (s.cache_control) out.push(s.cache_control);
  for (const m of req.messages) if (Array.isArray(m.content)) out.push(...blockMarkers(m.content));
  return out;
}

const cacheable = (b: ContentBlockParam): boolean => b.type !== 'thinking' && b.type !== 'redacted_thinking';

/** Mutates `req`: adds automatic breakpoints under policy `auto`. */
export function applyCachePolicy(req: MessagesRequest, policy: CachePolicy): void {
  if (policy === 'off') return;
  const existing = markers(req);
  if (existing.some((c) => c.ttl === '1h')) return;
  let budget = MAX_BREAKPOINTS - existing.length;
  const mark = (): CacheControl => ({ type: 'ephemeral' });

  // 1. Conversation tail (skipped if the top-level automatic marker already covers it).
  const lastMsg = req.messages[req.messages.length - 1];
  if (budget > 0 && !req.cache_control && lastMsg && Array.isArray(lastMsg.content)) {
    const blocks = lastMsg.content;
    for (let k = blocks.length - 1; k >= 0; k--) {
      const b = blocks[k]!;
      if (!cacheable(b)) continue;
      if (!('cache_control' in b && b.cache_control)) {
        (b as { cache_control?: CacheControl }).cache_control = mark();
        budget--;
      }
      break;
    }
  }
  // 2. Last system block.
  if (budget > 0 && req.system !== undefined && req.system.length > 0) {
    const system: TextBlockParam[] = typeof req.system === 'string' ? [{ type: 'text', text: req.system }] : req.system;
    const last = system[system.length - 1]!;
    if (!last.cache_control) {
      last.cache_control = mark();
      budget--;
    }
    req.system = system;
  }
  // 3. Last tool.
  const lastTool = req.tools?.[req.tools.length - 1];
  if (budget > 0 && lastTool && !lastTool.cache_control) {
    lastTool.cache_control = mark();
    budget--;
  }
}
