/**
 * The end of a streamed choice: the finish chunk and the include_usage chunk (protocol.md §6.4).
 * Usage so far and the end-of-stream error live in stream-usage.ts (re-exported here).
 */
import type { ChatCompletionChunk, CompletionUsage } from '../../protocol/openai/chat-completion.ts';
import { mapStopReason } from '../response/map-stop-reason.ts';
import { deltaChunk, makeChunk } from './chunk.ts';
import type { StreamContext, StreamState } from './stream-state.ts';

export { endOfStreamError, streamUsage, type StreamUsage } from './stream-usage.ts';

/**
 * `delta: {}` with the mapped finish_reason. With include_usage it carries `"usage":null`; in default
 * mode it has no usage key and the caller attaches `usage` (which then serialises last, as in the seed).
 */
export function finishChunk(state: StreamState): ChatCompletionChunk {
  return deltaChunk(state, {}, mapStopReason(state.stopReason, { jsonToolEmulated: state.sawJsonTool }));
}

/** include_usage: the one extra chunk with `choices: []` after the finish chunk (protocol.md §2.2 step 4). */
export function usageChunk(
  context: Pick<StreamContext, 'id' | 'created' | 'model' | 'systemFingerprint'>,
  usage: CompletionUsage,
): ChatCompletionChunk {
  const chunk = makeChunk(context, []);
  chunk.usage = usage;
  return chunk;
}
