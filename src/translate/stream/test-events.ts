/** Event builders for the stream unit/property tests (not production code). */
import type { StreamEvent, Usage } from '../../protocol/anthropic/messages.ts';

export const ev = {
  start(usage: Partial<Usage> = { input_tokens: 10, output_tokens: 1 }): StreamEvent {
    return {
      type: 'message_start',
      message: { id: 'msg_t', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: usage as Usage },
    };
  },
  text(index: number): StreamEvent {
    return { type: 'content_block_start', index, content_block: { type: 'text', text: '' } };
  },
  tool(index: number, id: string, name: string, input: unknown = {}): StreamEvent {
    return { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input } };
  },
  thinking(index: number): StreamEvent {
    return { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } };
  },
  redacted(index: number, data: string): StreamEvent {
    return { type: 'content_block_start', index, content_block: { type: 'redacted_thinking', data } };
  },
  textDelta(index: number, text: string): StreamEvent {
    return { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
  },
  json(index: number, partial_json: string): StreamEvent {
    return { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } };
  },
  thinkingDelta(index: number, thinking: string): StreamEvent {
    return { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } };
  },
  signature(index: number, signature: string): StreamEvent {
    return { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature } };
  },
  stop(index: number): StreamEvent {
    return { type: 'content_block_stop', index };
  },
  delta(stop_reason: string | null, usage: Partial<Usage> = { output_tokens: 5 }, extra: Record<string, unknown> = {}): StreamEvent {
    return { type: 'message_delta', delta: { stop_reason, stop_sequence: null, ...extra }, usage };
  },
  messageStop(): StreamEvent {
    return { type: 'message_stop' };
  },
  ping(): StreamEvent {
    return { type: 'ping' };
  },
  error(type: string, message: string): StreamEvent {
    return { type: 'error', error: { type, message } };
  },
};

/** A ReadableStream over an (async) iterable; `ReadableStream.from` is missing from the DOM typings. */
export function streamFrom<T>(source: Iterable<T> | AsyncIterable<T>): ReadableStream<T> {
  const iterator =
    Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  return new ReadableStream<T>({
    async pull(controller) {
      const result = await iterator.next();
      if (result.done === true) controller.close();
      else controller.enqueue(result.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

export async function readText(stream: ReadableStream<string>): Promise<string> {
  const reader = stream.getReader();
  let out = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out += value;
  }
}
