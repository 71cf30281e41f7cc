/**
 * Tool-call ids: Anthropic requires `^[a-zA-Z0-9_-]+$` and uniqueness across the request; OpenAI
 * clients send whatever their framework produced (`call.1`, `fc:abc|x`, reused `call_0` per turn).
 * The mapping is a pure function of the conversation prefix, so the same history always yields the
 * same ids (stable prompt-cache prefixes) and a tool_result always gets its tool_use's id.
 * @see ../shared/protocol.md §3.3, §6.9 ("foreign tool-call ids")
 */

const VALID_ID = /^[a-zA-Z0-9_-]+$/;

/** FNV-1a 32-bit, base36: short, deterministic, no crypto import (translate/ is pure). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** A valid id for `original`: unchanged when already valid; else sanitised + hash of the original. */
export function sanitizeToolCallId(original: string): string {
  if (VALID_ID.test(original) && original.length <= 128) return original;
  const base = original.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 48).replace(/^_+|_+$/g, '');
  return `${base === '' ? 'call' : base}_${fnv1a(original)}`;
}

/** One assistant turn's mapping: original id → mapped ids (a queue, for duplicates within a turn). */
export class TurnIds {
  private readonly pending = new Map<string, string[]>();
  readonly mapped: string[] = [];

  add(original: string, mapped: string): void {
    const q = this.pending.get(original) ?? [];
    q.push(mapped);
    this.pending.set(original, q);
    this.mapped.push(mapped);
  }

  /** The mapped id for a tool result, consuming it; null if this turn has no such (unconsumed) call. */
  take(original: string): string | null {
    const q = this.pending.get(original);
    if (!q || q.length === 0) return null;
    return q.shift()!;
  }

  has(original: string): boolean {
    return this.pending.has(original);
  }
}

/** Hands out request-unique ids. */
export class ToolCallIdMapper {
  private readonly used = new Set<string>();

  map(original: string): string {
    const base = sanitizeToolCallId(original);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}
