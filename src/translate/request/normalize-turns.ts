/**
 * Turn normalisation: drop empty turns, merge consecutive same-role turns, put tool_result blocks
 * first (in tool_use order), pair every tool_use with a result, fix the first and last message.
 * @see ../shared/protocol.md §6.2 steps 6–10, §3.5
 */
import { GatewayError } from '../../domain/errors.ts';
import type { ContentBlockParam, MessageParam, ToolResultBlockParam } from '../../protocol/anthropic/messages.ts';
import type { Adjustments } from './adjustments.ts';
import type { RawTurn } from './convert-messages.ts';

interface Turn { role: 'user' | 'assistant'; blocks: ContentBlockParam[]; source: number }

export interface NormalizeOptions {
  /** Keep a final assistant message (prefill). False on 4.6+ models and whenever thinking is on. */
  allowPrefill: boolean;
  modelId: string;
}

/** Minimal user turn before a leading assistant message (older validation demanded user first, §9). */
export const LEADING_USER_TEXT = '(continue)';
/** Result inserted for a tool call the client never answered (cancelled calls are common). */
export const MISSING_RESULT_TEXT = '(no result)';

function merge(turns: readonly RawTurn[]): Turn[] {
  const out: Turn[] = [];
  for (const t of turns) {
    if (t.blocks.length === 0) continue; // empty turns are dropped (§6.2 step 8)
    const last = out[out.length - 1];
    if (last && last.role === t.role) last.blocks.push(...t.blocks);
    else out.push({ role: t.role, blocks: [...t.blocks], source: t.source });
  }
  return out;
}

const toolUseIds = (t: Turn): string[] =>
  t.blocks.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));

export function normalizeTurns(
  raw: readonly RawTurn[],
  toolUseSource: ReadonlyMap<string, number>,
  adj: Adjustments,
  options: NormalizeOptions,
): MessageParam[] {
  const turns = merge(raw);

  // Tool results first in the user turn after each assistant turn, in tool_use order; missing → placeholder.
  for (let k = 0; k < turns.length; k++) {
    const t = turns[k]!;
    if (t.role !== 'assistant') continue;
    const uses = toolUseIds(t);
    if (uses.length === 0) continue;
    let next = turns[k + 1];
    if (!next || next.role !== 'user') {
      next = { role: 'user', blocks: [], source: t.source };
      turns.splice(k + 1, 0, next);
    }
    const results = next.blocks.filter((b): b is ToolResultBlockParam => b.type === 'tool_result');
    const rest = next.blocks.filter((b) => b.type !== 'tool_result');
    const ordered: ContentBlockParam[] = [];
    const missingBySource = new Map<number, number>();
    for (const id of uses) {
      const r = results.find((b) => b.tool_use_id === id);
      if (r) ordered.push(r);
      else {
        ordered.push({ type: 'tool_result', tool_use_id: id, content: MISSING_RESULT_TEXT, is_error: true });
        const src = toolUseSource.get(id) ?? t.source;
        missingBySource.set(src, (missingBySource.get(src) ?? 0) + 1);
      }
    }
    for (const [src, count] of missingBySource) {
      adj.add(`messages[${src}].tool_calls`, 'defaulted', `${count} calls without result->is_error results inserted`, true);
    }
    next.blocks = [...ordered, ...rest];
  }

  // Final assistant message = prefill.
  const last = turns[turns.length - 1];
  if (last && last.role === 'assistant') {
    if (!options.allowPrefill) {
      adj.add(`messages[${last.source}]`, 'dropped', `assistant prefill unsupported by ${options.modelId}`, true);
      turns.pop();
    } else {
      // "final assistant content cannot end with trailing whitespace" (§3.5)
      const tail = last.blocks[last.blocks.length - 1];
      if (tail && tail.type === 'text') {
        tail.text = tail.text.trimEnd();
        if (tail.text === '') last.blocks.pop();
      }
      if (last.blocks.length === 0) turns.pop();
    }
  }

  if (turns.length === 0) {
    throw new GatewayError(
      'invalid_request',
      "Invalid 'messages': the conversation has no non-empty user message to answer (system messages alone are not enough).",
      { param: 'messages' },
    );
  }

  if (turns[0]!.role === 'assistant') {
    turns.unshift({ role: 'user', blocks: [{ type: 'text', text: LEADING_USER_TEXT }], source: 0 });
    adj.add('messages[0]', 'converted', 'leading assistant message->user turn prepended', false);
  }

  return turns.map((t) => ({ role: t.role, content: t.blocks }));
}
