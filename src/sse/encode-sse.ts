/**
 * OpenAI-side SSE framing. The Chat Completions stream uses only `data:` lines, one JSON object per
 * event, terminated by the literal `[DONE]` event, never `event:` names (protocol.md §2.2).
 * Callers pass JSON text they have already serialised, so framing costs one string concat.
 */
import type { GatewayError } from '../domain/errors.ts';

/** One SSE event carrying `json` (must not contain a raw newline; JSON.stringify never emits one). */
export function encodeSseData(json: string): string {
  return 'data: ' + json + '\n\n';
}

/** The terminator OpenAI SDKs stop reading at (O-SDK `Stream.fromSSEResponse`). */
export const SSE_DONE = 'data: [DONE]\n\n';

/** A comment line: SSE parsers (O-SDK included) drop lines starting with `:`, proxies see traffic. */
export const SSE_KEEPALIVE = ': keep-alive\n\n';

/**
 * The in-band error event OpenAI SDKs turn into an `APIError` (protocol.md §2.2, §6.7):
 * `data: {"error":{"message","type","param","code"}}`. Send SSE_DONE after it.
 */
export function encodeSseError(error: GatewayError): string {
  return 'data: ' + JSON.stringify(error.toBody()) + '\n\n';
}
