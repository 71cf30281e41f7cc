/**
 * Chunk construction and serialisation. Objects are built with keys in OpenAI's wire order (id,
 * object, created, model, system_fingerprint, choices[{index, delta, logprobs, finish_reason}], usage)
 * so `JSON.stringify(chunk)` and `serializeChunk(state, chunk)` give the same bytes; the latter reuses
 * the envelope serialised once in the state and only stringifies the delta (and usage).
 */
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
  CompletionUsage,
  FinishReason,
} from '../../protocol/openai/chat-completion.ts';
import type { StreamContext, StreamState } from './stream-state.ts';

export function makeChunk(
  context: Pick<StreamContext, 'id' | 'created' | 'model' | 'systemFingerprint'> & { includeUsage?: boolean },
  choices: ChatCompletionChunkChoice[],
): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    system_fingerprint: context.systemFingerprint ?? null,
    choices,
  };
  // include_usage: "every other chunk carries usage: null" (protocol.md §2.2 step 4).
  if (context.includeUsage === true) chunk.usage = null;
  return chunk;
}

export function deltaChunk(
  state: StreamState,
  delta: ChatCompletionChunkDelta,
  finishReason: FinishReason | null = null,
): ChatCompletionChunk {
  return makeChunk(state.context, [
    { index: state.context.choiceIndex, delta, logprobs: null, finish_reason: finishReason },
  ]);
}

function serializeChoice(state: StreamState, choice: ChatCompletionChunkChoice): string {
  const head =
    choice.index === state.context.choiceIndex ? state.jsonChoiceHead : '{"index":' + JSON.stringify(choice.index) + ',"delta":';
  const finish = choice.finish_reason === null ? 'null' : '"' + choice.finish_reason + '"';
  return head + JSON.stringify(choice.delta) + ',"logprobs":null,"finish_reason":' + finish + '}';
}

/**
 * JSON text of a chunk produced for this state's context (same id/created/model/fingerprint);
 * byte-identical to `JSON.stringify(chunk)`, cheaper because the envelope is precomputed.
 */
export function serializeChunk(state: StreamState, chunk: ChatCompletionChunk): string {
  const choices = chunk.choices;
  let body: string;
  if (choices.length === 1) body = serializeChoice(state, choices[0]);
  else if (choices.length === 0) body = '';
  else body = choices.map((choice) => serializeChoice(state, choice)).join(',');
  const usage: CompletionUsage | null | undefined = chunk.usage;
  const tail = usage === undefined ? ']}' : usage === null ? '],"usage":null}' : '],"usage":' + JSON.stringify(usage) + '}';
  return state.jsonHead + body + tail;
}
