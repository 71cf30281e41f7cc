/**
 * Compile-time check (architecture.md §2 "Wire types") that what the translation core emits is
 * assignable to the official `openai` SDK types (devDependency, `import type` only), plus a runtime
 * pass over real outputs typed as the SDK types, so `tsc --noEmit` fails when a shape drifts.
 *
 * Known, deliberate gaps owned by src/protocol/openai/chat-completion.ts (adjusted below, nothing else):
 * - `system_fingerprint` is `string | null` there, `string | undefined` in the SDK. Portico's service
 *   always passes a fingerprint; null is only the fallback (OpenAI itself sent null for years).
 * - `message.annotations` (`unknown[]`) and `service_tier` (`string`) are wider there; this core
 *   never sets either.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ChatCompletion as SdkCompletion,
  ChatCompletionChunk as SdkChunk,
} from 'openai/resources/chat/completions';
import type { CompletionUsage as SdkUsage } from 'openai/resources/completions';
import type { Message } from '../../src/protocol/anthropic/messages.ts';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionMessage,
  CompletionUsage,
} from '../../src/protocol/openai/chat-completion.ts';
import { toChatCompletion } from '../../src/translate/response/to-chat-completion.ts';
import { mapUsage } from '../../src/translate/response/map-usage.ts';
import { finishChunk, usageChunk } from '../../src/translate/stream/finish-stream.ts';
import { reduceStreamEvent } from '../../src/translate/stream/reduce-stream-event.ts';
import { createStreamState } from '../../src/translate/stream/stream-state.ts';
import { ev } from '../../src/translate/stream/test-events.ts';

type WithFingerprint<T> = Omit<T, 'system_fingerprint'> & { system_fingerprint: string };
type EmittedChunk = WithFingerprint<ChatCompletionChunk>;
type EmittedCompletion = WithFingerprint<Omit<ChatCompletion, 'service_tier' | 'choices'>> & {
  choices: Array<Omit<ChatCompletionChoice, 'message'> & { message: Omit<ChatCompletionMessage, 'annotations'> }>;
};

type Assert<T extends true> = T;
type Assignable<T, U> = [T] extends [U] ? true : false;
export type ChunkIsSdkChunk = Assert<Assignable<EmittedChunk, SdkChunk>>;
export type CompletionIsSdkCompletion = Assert<Assignable<EmittedCompletion, SdkCompletion>>;
export type UsageIsSdkUsage = Assert<Assignable<CompletionUsage, SdkUsage>>;

function asSdkChunk(chunk: ChatCompletionChunk): SdkChunk {
  assert.equal(typeof chunk.system_fingerprint, 'string');
  const emitted: EmittedChunk = chunk as EmittedChunk;
  return emitted;
}

describe('openai SDK type compatibility', () => {
  it('stream chunks of every kind type-check as SDK chunks', () => {
    const context = { id: 'chatcmpl-t', created: 1, model: 'm', includeUsage: true, choiceIndex: 0, systemFingerprint: 'fp_t' };
    const state = createStreamState(context);
    const chunks: SdkChunk[] = [];
    for (const event of [
      ev.start(),
      ev.text(0),
      ev.textDelta(0, 'hi'),
      ev.stop(0),
      ev.thinking(1),
      ev.thinkingDelta(1, 'hm'),
      ev.stop(1),
      ev.tool(2, 'toolu_1', 'f'),
      ev.json(2, '{}'),
      ev.stop(2),
      ev.delta('tool_use'),
    ]) {
      for (const chunk of reduceStreamEvent(state, event).chunks) chunks.push(asSdkChunk(chunk));
    }
    chunks.push(asSdkChunk(finishChunk(state)), asSdkChunk(usageChunk(context, mapUsage({ input_tokens: 1, output_tokens: 2 }))));
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(chunks.at(-1)?.usage?.total_tokens, 3);
  });

  it('a chat.completion type-checks as the SDK ChatCompletion', () => {
    const message: Message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [
        { type: 'text', text: 'ok' },
        { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    const completion = toChatCompletion(message, { id: 'chatcmpl-1', created: 1, model: 'm', systemFingerprint: 'fp_t' });
    const sdk: SdkCompletion = completion as EmittedCompletion;
    assert.equal(sdk.choices[0]?.message.tool_calls?.length, 1);
  });
});
