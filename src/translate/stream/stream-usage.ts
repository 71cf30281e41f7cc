/**
 * Usage of a streamed choice so far (also after a cut, for the ledger) and the error for a stream
 * that ended without message_stop (protocol.md §4.2, §6.4, §6.6).
 */
import { GatewayError } from '../../domain/errors.ts';
import type { Usage } from '../../protocol/anthropic/messages.ts';
import type { CompletionUsage } from '../../protocol/openai/chat-completion.ts';
import { mapUsage } from '../response/map-usage.ts';
import type { StreamState } from './stream-state.ts';

export interface StreamUsage {
  usage: CompletionUsage;
  /** The Anthropic usage the numbers came from (message_start overlaid by the latest message_delta). */
  raw: Partial<Usage> | null;
  sawMessageStart: boolean;
  /** output_tokens as reported by upstream (latest message_delta, else message_start), 0 if none. */
  outputTokensSeen: number;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Usage so far. Input and cache counts: latest message_delta where present, else message_start
 * (the two can differ; protocol.md §4.2). Output: the latest message_delta; without one (stream cut
 * before the end) the larger of message_start's small placeholder count and ceil(chars / 4) of the
 * text, arguments and thinking emitted, so an aborted stream is billed for what was produced.
 */
export function streamUsage(state: StreamState): StreamUsage {
  const start = state.startUsage;
  const delta = state.deltaUsage;
  const raw: Partial<Usage> | null = start === null && delta === null ? null : { ...start, ...delta };
  const deltaOutput = delta !== null && finite(delta.output_tokens) ? delta.output_tokens : null;
  const startOutput = start !== null && finite(start.output_tokens) ? start.output_tokens : null;
  const outputTokensSeen = deltaOutput ?? startOutput ?? 0;
  let output: number;
  if (deltaOutput !== null) output = deltaOutput;
  else output = Math.max(startOutput ?? 0, Math.ceil(state.emittedChars / 4));
  const usage = mapUsage(raw === null ? { output_tokens: output } : { ...raw, output_tokens: output });
  return { usage, raw, sawMessageStart: state.sawMessageStart, outputTokensSeen };
}

/** Null once message_stop was seen; otherwise the stream was cut and must not look finished. */
export function endOfStreamError(state: StreamState): GatewayError | null {
  if (state.done) return null;
  return new GatewayError('upstream_protocol_error', 'upstream stream ended before message_stop');
}
