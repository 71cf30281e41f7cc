/**
 * Anthropic stream events → the Message a non-streaming call would have returned. Used for long
 * non-streaming client requests, which Portico streams upstream (protocol.md §6.9 "Long
 * non-streaming requests": a silent connection that long gets cut by idle timeouts; the SDKs
 * refuse such calls above ≈ 21,333 max_tokens for the same reason). Pure; mutates its state.
 */
import type { GatewayError } from '../../domain/errors.ts';
import { GatewayError as Failure } from '../../domain/errors.ts';
import type { ContentBlock, Message, StreamEvent, Usage } from '../../protocol/anthropic/messages.ts';
import { mapStreamErrorEvent } from '../error/map-upstream-error.ts';

export interface MessageAccumulator {
  message: Message | null;
  /** Tool input JSON text per block index, parsed at the end. */
  partialJson: Map<number, string>;
  done: boolean;
}

export function createMessageAccumulator(): MessageAccumulator {
  return { message: null, partialJson: new Map(), done: false };
}

/** Applies one event; returns the mapped error for an upstream `error` event, else null. */
export function accumulateEvent(state: MessageAccumulator, event: StreamEvent): GatewayError | null {
  if (state.done) return null;
  switch (event.type) {
    case 'message_start':
      state.message = { ...event.message, content: [] };
      return null;
    case 'content_block_start': {
      const content = state.message?.content;
      if (content) content[event.index] = { ...event.content_block } as ContentBlock;
      return null;
    }
    case 'content_block_delta':
      onDelta(state, event);
      return null;
    case 'message_delta': {
      const message = state.message;
      if (!message) return null;
      message.stop_reason = event.delta.stop_reason ?? message.stop_reason;
      message.stop_sequence = event.delta.stop_sequence ?? message.stop_sequence;
      if (event.delta['stop_details'] !== undefined) message.stop_details = event.delta['stop_details'] as Message['stop_details'];
      // Cumulative counts: the latest value wins, never a sum (A-STREAM).
      message.usage = { ...message.usage, ...(event.usage as Partial<Usage>) } as Usage;
      return null;
    }
    case 'message_stop':
      state.done = true;
      return null;
    case 'error':
      return mapStreamErrorEvent(event.error);
    default:
      return null;
  }
}

function onDelta(state: MessageAccumulator, event: Extract<StreamEvent, { type: 'content_block_delta' }>): void {
  const block = state.message?.content[event.index] as Record<string, unknown> | undefined;
  if (!block) return;
  const delta = event.delta as Record<string, unknown>;
  switch (delta['type']) {
    case 'text_delta':
      block['text'] = String(block['text'] ?? '') + String(delta['text'] ?? '');
      break;
    case 'input_json_delta':
      state.partialJson.set(event.index, (state.partialJson.get(event.index) ?? '') + String(delta['partial_json'] ?? ''));
      break;
    case 'thinking_delta':
      block['thinking'] = String(block['thinking'] ?? '') + String(delta['thinking'] ?? '');
      break;
    case 'signature_delta':
      block['signature'] = String(delta['signature'] ?? '');
      break;
    default:
      break; // citations and future delta types do not change the text
  }
}

/** The finished Message; an upstream that ended before message_stop is a protocol error. */
export function finishAccumulation(state: MessageAccumulator): Message {
  const message = state.message;
  if (!state.done || !message) {
    throw new Failure('upstream_protocol_error', 'upstream stream ended before message_stop');
  }
  message.content = message.content.filter((block) => block !== undefined);
  for (const [index, json] of state.partialJson) {
    const block = message.content[index] as Record<string, unknown> | undefined;
    if (!block || block['type'] !== 'tool_use') continue;
    if (json.trim() === '') {
      block['input'] = {};
      continue;
    }
    try {
      block['input'] = JSON.parse(json);
    } catch {
      // Cut by max_tokens mid-JSON: keep the raw text, as the non-stream API would not, but the
      // client still gets what was produced (finish_reason says `length`).
      block['input'] = json;
    }
  }
  return message;
}
