/**
 * Content-block handlers of the reducer (protocol.md §6.4): text, tool_use (dense OpenAI tool-call
 * indexes), the JSON-tool emulation, thinking and redacted thinking. Unknown blocks and deltas are
 * recorded as ignored. All handlers mutate `state` (see stream-state.ts).
 */
import type { ContentBlock } from '../../protocol/anthropic/messages.ts';
import type { ChatCompletionChunk } from '../../protocol/openai/chat-completion.ts';
import { deltaChunk } from './chunk.ts';
import type { BlockKind, BlockState, StreamState } from './stream-state.ts';
import { emit, NOTHING, type Event, type StreamStep } from './stream-step.ts';

function newBlock(kind: BlockKind, toolCallIndex = -1): BlockState {
  return { kind, toolCallIndex, sentArguments: false, thinking: '', signature: '', data: '', stopped: false };
}

export function onBlockStart(state: StreamState, event: Event<'content_block_start'>): StreamStep {
  const block = event.content_block as ContentBlock | undefined;
  const index = event.index;
  if (block === undefined || block === null || typeof index !== 'number') return NOTHING;
  switch (block.type) {
    case 'text': {
      state.blocks[index] = newBlock('text');
      const text = (block as { text?: unknown }).text;
      return typeof text === 'string' && text !== '' ? textStep(state, text) : NOTHING;
    }
    case 'tool_use': {
      const tool = block as { id: string; name: string; input?: unknown };
      if (state.jsonToolName !== null && tool.name === state.jsonToolName) {
        state.blocks[index] = newBlock('json_tool');
        state.sawJsonTool = true;
        return NOTHING;
      }
      const k = state.nextToolCallIndex++;
      const entry = newBlock('tool', k);
      state.blocks[index] = entry;
      // The first fragment of call k names it; `arguments` starts empty (protocol.md §2.2).
      const chunks = [
        deltaChunk(state, {
          tool_calls: [{ index: k, id: tool.id, type: 'function', function: { name: tool.name, arguments: '' } }],
        }),
      ];
      // Anthropic sends `input: {}` here; should a block ever arrive with its input filled in, send it.
      const input = tool.input;
      if (typeof input === 'object' && input !== null && Object.keys(input).length > 0) {
        chunks.push(argumentsChunk(state, entry, JSON.stringify(input)));
      }
      return { chunks, error: null, done: false };
    }
    case 'thinking': {
      const entry = newBlock('thinking');
      const thinking = block as { thinking?: unknown; signature?: unknown };
      if (typeof thinking.signature === 'string') entry.signature = thinking.signature;
      state.blocks[index] = entry;
      return typeof thinking.thinking === 'string' && thinking.thinking !== '' ? thinkingStep(state, entry, thinking.thinking) : NOTHING;
    }
    case 'redacted_thinking': {
      const entry = newBlock('redacted_thinking');
      const data = (block as { data?: unknown }).data;
      entry.data = typeof data === 'string' ? data : '';
      state.blocks[index] = entry;
      return NOTHING;
    }
    default:
      // server_tool_use, web_search_tool_result, …: nothing an OpenAI client can consume.
      state.blocks[index] = newBlock('ignored');
      return NOTHING;
  }
}

function textStep(state: StreamState, text: string): StreamStep {
  state.emittedChars += text.length;
  return emit(deltaChunk(state, { content: text }));
}

function thinkingStep(state: StreamState, block: BlockState, text: string): StreamStep {
  block.thinking += text;
  state.emittedChars += text.length;
  // Non-standard `reasoning_content` (DeepSeek/LiteLLM convention, protocol.md §6.3).
  return emit(deltaChunk(state, { reasoning_content: text }));
}

function argumentsChunk(state: StreamState, block: BlockState, fragment: string): ChatCompletionChunk {
  block.sentArguments = true;
  state.emittedChars += fragment.length;
  return deltaChunk(state, { tool_calls: [{ index: block.toolCallIndex, function: { arguments: fragment } }] });
}

export function onBlockDelta(state: StreamState, event: Event<'content_block_delta'>): StreamStep {
  const block = state.blocks[event.index];
  if (block === undefined || block.stopped) return NOTHING;
  const delta = event.delta;
  switch (delta?.type) {
    case 'text_delta': {
      const text = (delta as { text: string }).text;
      return block.kind === 'text' && typeof text === 'string' && text !== '' ? textStep(state, text) : NOTHING;
    }
    case 'input_json_delta': {
      const fragment = (delta as { partial_json: string }).partial_json;
      // The first fragment is often "" (fixture tool-use.sse): skip empties.
      if (typeof fragment !== 'string' || fragment === '') return NOTHING;
      if (block.kind === 'tool') return emit(argumentsChunk(state, block, fragment));
      if (block.kind === 'json_tool') {
        block.sentArguments = true;
        return textStep(state, fragment);
      }
      return NOTHING;
    }
    case 'thinking_delta': {
      const text = (delta as { thinking: string }).thinking;
      return block.kind === 'thinking' && typeof text === 'string' && text !== '' ? thinkingStep(state, block, text) : NOTHING;
    }
    case 'signature_delta': {
      const signature = (delta as { signature: string }).signature;
      if (block.kind === 'thinking' && typeof signature === 'string') block.signature += signature;
      return NOTHING;
    }
    default:
      // citations_delta and future delta types.
      return NOTHING;
  }
}

export function onBlockStop(state: StreamState, event: Event<'content_block_stop'>): StreamStep {
  const block = state.blocks[event.index];
  if (block === undefined || block.stopped) return NOTHING;
  block.stopped = true;
  switch (block.kind) {
    case 'tool':
      // A tool without arguments may only ever send "" (protocol.md §6.9): `{}`, never "".
      return block.sentArguments ? NOTHING : emit(argumentsChunk(state, block, '{}'));
    case 'json_tool':
      return block.sentArguments ? NOTHING : textStep(state, '{}');
    case 'thinking':
      // The whole signed block, so the client can send it back next turn (docs/streaming.md).
      return emit(
        deltaChunk(state, { thinking_blocks: [{ type: 'thinking', thinking: block.thinking, signature: block.signature }] }),
      );
    case 'redacted_thinking':
      return emit(deltaChunk(state, { thinking_blocks: [{ type: 'redacted_thinking', data: block.data }] }));
    case 'text':
    case 'ignored':
      return NOTHING;
  }
}

