/**
 * State of one streamed choice (protocol.md §6.4). `reduceStreamEvent` MUTATES it in place: one state
 * object per upstream stream, never shared, so copying it per event would only cost allocations on
 * the hot path. Everything needed for the chunk envelope is computed once here.
 */
import type { Usage } from '../../protocol/anthropic/messages.ts';

export interface StreamContext {
  /** Same id on every chunk (`chatcmpl-…`). */
  id: string;
  /** Unix seconds, same on every chunk. */
  created: number;
  /** The client-facing model name requested. */
  model: string;
  /** `stream_options.include_usage`: every chunk carries `"usage":null` and a usage chunk follows. */
  includeUsage: boolean;
  choiceIndex: number;
  /** Forced tool emulating structured output: its arguments stream as `content` (protocol.md §6.9). */
  jsonToolName?: string | null;
  systemFingerprint?: string | null;
}

export type BlockKind = 'text' | 'tool' | 'json_tool' | 'thinking' | 'redacted_thinking' | 'ignored';

/** Per Anthropic content-block index. */
export interface BlockState {
  kind: BlockKind;
  /** Dense OpenAI `tool_calls[].index` (tool blocks only; -1 otherwise). */
  toolCallIndex: number;
  /** A non-empty argument fragment was emitted (else `{}` is sent at content_block_stop). */
  sentArguments: boolean;
  /** Thinking text so far (thinking blocks), for `thinking_blocks` at content_block_stop. */
  thinking: string;
  signature: string;
  /** Redacted thinking payload. */
  data: string;
  stopped: boolean;
}

export interface StreamState {
  readonly context: StreamContext;
  /** `{"id":…,"object":"chat.completion.chunk",…,"choices":[` — serialised once. */
  readonly jsonHead: string;
  /** `{"index":N,"delta":` */
  readonly jsonChoiceHead: string;
  readonly jsonToolName: string | null;
  sawMessageStart: boolean;
  /** message_stop seen: the choice may finish. */
  done: boolean;
  /** An upstream `error` event was seen: the stream must end with an error, never a finish_reason. */
  errored: boolean;
  /** Indexed by the Anthropic block index. */
  blocks: BlockState[];
  nextToolCallIndex: number;
  sawJsonTool: boolean;
  stopReason: string | null;
  startUsage: Partial<Usage> | null;
  /** Latest message_delta usage (cumulative; overwritten, never added — A-STREAM). */
  deltaUsage: Partial<Usage> | null;
  /** Characters of text, arguments and thinking emitted: the output estimate after a cut. */
  emittedChars: number;
}

export function createStreamState(context: StreamContext): StreamState {
  const fingerprint = context.systemFingerprint ?? null;
  return {
    context,
    // Cut from one JSON.stringify each, not joined with `+`: V8 keeps a concatenation as a rope
    // that every chunk's serialisation would walk again (flat prefixes measured ~10% cheaper per token).
    jsonHead: JSON.stringify({
      id: context.id,
      object: 'chat.completion.chunk',
      created: context.created,
      model: context.model,
      system_fingerprint: fingerprint,
      choices: [],
    }).slice(0, -2), // without the closing `]}`
    jsonChoiceHead: JSON.stringify({ index: context.choiceIndex, delta: null }).slice(0, -5), // without `null}`
    jsonToolName: context.jsonToolName ?? null,
    sawMessageStart: false,
    done: false,
    errored: false,
    blocks: [],
    nextToolCallIndex: 0,
    sawJsonTool: false,
    stopReason: null,
    startUsage: null,
    deltaUsage: null,
    emittedChars: 0,
  };
}
