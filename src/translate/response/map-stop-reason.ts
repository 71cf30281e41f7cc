/**
 * Anthropic `stop_reason` -> OpenAI `finish_reason` (protocol.md §6.5). Strict OpenAI clients accept
 * only the five OpenAI values, so anything new or missing becomes `stop`.
 */
import type { FinishReason } from '../../protocol/openai/chat-completion.ts';

export interface MapStopReasonOptions {
  /**
   * Structured output was emulated with a forced tool (protocol.md §6.9 "JSON schema"): the tool call
   * IS the answer, so `tool_use` reads as a natural `stop`.
   */
  jsonToolEmulated?: boolean;
}

export function mapStopReason(reason: string | null | undefined, options: MapStopReasonOptions = {}): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence': // OpenAI reports a matched stop sequence as `stop` too
    case 'pause_turn': // server-tool loop paused; the turn is complete from the client's view (VERCEL)
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded': // VERCEL maps it to length: output was cut, not finished
      return 'length';
    case 'tool_use':
      return options.jsonToolEmulated === true ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
