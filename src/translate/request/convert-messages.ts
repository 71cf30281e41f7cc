/**
 * OpenAI `messages[]` → Anthropic `system` parts + raw turns (one per source message). Turn-level
 * normalisation (merging, pairing, first/last message) is in normalize-turns.ts.
 * @see ../shared/protocol.md §6.2 steps 1–5, 11; §1.2
 */
import { GatewayError } from '../../domain/errors.ts';
import type { CacheControl, ContentBlockParam, TextBlockParam, ToolResultBlockParam } from '../../protocol/anthropic/messages.ts';
import type { ChatCacheControl, ChatMessage } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';
import { convertFile, convertImageUrl } from './convert-content-parts.ts';
import { ToolCallIdMapper, TurnIds } from './tool-call-ids.ts';

export interface SystemPart { text: string; cache_control?: CacheControl }

export interface RawTurn {
  role: 'user' | 'assistant';
  blocks: ContentBlockParam[];
  /** Index of the OpenAI message this turn came from (for error params). */
  source: number;
}

export interface ConvertedMessages {
  system: SystemPart[];
  turns: RawTurn[];
  /** Mapped tool_use id → index of the assistant message that carried it. */
  toolUseSource: Map<string, number>;
}

const isBlank = (s: string): boolean => s.trim() === '';

function cc(c: ChatCacheControl | null | undefined): { cache_control?: CacheControl } {
  return c ? { cache_control: c.ttl ? { type: 'ephemeral', ttl: c.ttl } : { type: 'ephemeral' } } : {};
}

/** Message-level `cache_control` goes on the message's last cacheable block. */
function applyMessageCache(blocks: ContentBlockParam[], c: ChatCacheControl | null | undefined): void {
  if (!c) return;
  for (let k = blocks.length - 1; k >= 0; k--) {
    const b = blocks[k]!;
    if (b.type === 'thinking' || b.type === 'redacted_thinking') continue;
    Object.assign(b, cc(c));
    return;
  }
}

function textBlocks(content: string | ReadonlyArray<{ type: string; text?: string; cache_control?: ChatCacheControl | null }> | null | undefined): TextBlockParam[] {
  if (content == null) return [];
  if (typeof content === 'string') return isBlank(content) ? [] : [{ type: 'text', text: content }];
  const out: TextBlockParam[] = [];
  for (const part of content) {
    if (part.type !== 'text' || part.text === undefined || isBlank(part.text)) continue; // refusal parts: dropped
    out.push({ type: 'text', text: part.text, ...cc(part.cache_control) });
  }
  return out;
}

function parseArguments(raw: string, field: string, adj: Adjustments): Record<string, unknown> {
  if (raw.trim() === '') {
    adj.add(field, 'converted', 'empty->{}', false);
    return {};
  }
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  adj.add(field, 'converted', 'not a JSON object->{}', false);
  return {};
}

export function convertMessages(messages: readonly ChatMessage[], adj: Adjustments): ConvertedMessages {
  const system: SystemPart[] = [];
  const turns: RawTurn[] = [];
  const ids = new ToolCallIdMapper();
  const toolUseSource = new Map<string, number>();
  let turn: TurnIds | null = null;
  let lastRole: 'user' | 'assistant' | null = null;

  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const parts = textBlocks(m.content);
        applyMessageCache(parts, m.cache_control);
        for (const p of parts) system.push(p.cache_control ? { text: p.text, cache_control: p.cache_control } : { text: p.text });
        return;
      }
      case 'user': {
        const blocks: ContentBlockParam[] = [];
        if (typeof m.content === 'string') blocks.push(...textBlocks(m.content));
        else {
          m.content.forEach((part, j) => {
            const param = `messages[${i}].content[${j}]`;
            switch (part.type) {
              case 'text':
                blocks.push(...textBlocks([part]));
                break;
              case 'image_url':
                blocks.push({ ...convertImageUrl(part.image_url.url, `${param}.image_url.url`), ...cc(part.cache_control) });
                break;
              case 'file':
                blocks.push({ ...convertFile(part.file, `${param}.file`), ...cc(part.cache_control) });
                break;
              case 'input_audio':
                // Rejected, not dropped: the model would answer as if it had heard nothing.
                throw new GatewayError('unsupported_parameter', `Unsupported '${param}': audio input is not supported by Claude models.`, { param });
            }
          });
        }
        applyMessageCache(blocks, m.cache_control);
        turns.push({ role: 'user', blocks, source: i });
        lastRole = 'user';
        return;
      }
      case 'assistant': {
        if (lastRole !== 'assistant' || turn === null) turn = new TurnIds();
        const blocks: ContentBlockParam[] = [];
        for (const tb of m.thinking_blocks ?? []) blocks.push({ ...tb }); // verbatim, first (§3.6)
        blocks.push(...textBlocks(m.content));
        (m.tool_calls ?? []).forEach((call, j) => {
          const id = ids.map(call.id);
          turn!.add(call.id, id);
          toolUseSource.set(id, i);
          const input = parseArguments(call.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`, adj);
          blocks.push({ type: 'tool_use', id, name: call.function.name, input });
        });
        if (m.function_call) {
          // Legacy function calling: a synthetic id, stable per message position.
          const id = ids.map(`call_function_${i}`);
          turn.add(`\u0000fn:${m.function_call.name}`, id);
          toolUseSource.set(id, i);
          const input = parseArguments(m.function_call.arguments, `messages[${i}].function_call.arguments`, adj);
          blocks.push({ type: 'tool_use', id, name: m.function_call.name, input });
        }
        applyMessageCache(blocks, m.cache_control);
        turns.push({ role: 'assistant', blocks, source: i });
        lastRole = 'assistant';
        return;
      }
      case 'tool':
      case 'function': {
        const key = m.role === 'tool' ? m.tool_call_id : `\u0000fn:${m.name}`;
        const param = m.role === 'tool' ? `messages[${i}].tool_call_id` : `messages[${i}].name`;
        const label = m.role === 'tool' ? `tool_call_id '${m.tool_call_id}'` : `function '${m.name}'`;
        const id = turn?.take(key) ?? null;
        if (id === null) {
          const why = turn?.has(key) ? 'has more than one result' : 'matches no tool call in the preceding assistant message';
          throw new GatewayError('invalid_request', `Invalid '${param}': ${label} ${why}.`, { param });
        }
        const result: ToolResultBlockParam = { type: 'tool_result', tool_use_id: id };
        if (m.role === 'tool') {
          const parts = textBlocks(m.content);
          if (parts.length > 0) result.content = parts.length === 1 && !parts[0]!.cache_control ? parts[0]!.text : parts;
          Object.assign(result, cc(m.cache_control));
        } else if (m.content != null && !isBlank(m.content)) {
          result.content = m.content;
        }
        turns.push({ role: 'user', blocks: [result], source: i });
        lastRole = 'user';
        return;
      }
    }
  });

  return { system, turns, toolUseSource };
}
