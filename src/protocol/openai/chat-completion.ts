/**
 * OpenAI Chat Completions response shapes that Portico emits (wire names, snake_case).
 * @see ../shared/protocol.md §2.1, §2.2; O-SDK `ChatCompletion`, `ChatCompletionChunk`, `CompletionUsage`
 */

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatCompletionMessageToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Portico extension: a signed thinking block carried so clients can send it back (see docs/reasoning.md). */
export type ThinkingBlockParam =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  annotations?: unknown[];
  tool_calls?: ChatCompletionMessageToolCall[];
  /** Extension (DeepSeek/LiteLLM convention): the model's visible thinking text. */
  reasoning_content?: string;
  /** Extension: thinking blocks with signatures, to send back on the next turn. */
  thinking_blocks?: ThinkingBlockParam[];
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens: number;
    /** Anthropic cache writes (5m + 1h); field exists in the 2026 OpenAI SDK types. */
    cache_write_tokens?: number;
    audio_tokens?: number;
  };
  completion_tokens_details?: {
    reasoning_tokens: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  };
  /** Portico extension: the exact Anthropic breakdown, for invoice-grade cost. */
  portico?: {
    input_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
    cache_creation_5m_input_tokens: number;
    cache_creation_1h_input_tokens: number;
    output_tokens: number;
    cost_usd?: number;
  };
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  logprobs: null;
  finish_reason: FinishReason;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: ChatCompletionChoice[];
  usage: CompletionUsage;
  service_tier?: string;
}

export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunkDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ChatCompletionChunkToolCall[];
  reasoning_content?: string;
  thinking_blocks?: ThinkingBlockParam[];
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  logprobs: null;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: ChatCompletionChunkChoice[];
  /** Absent unless include_usage (then null on every chunk but the usage chunk) or on the final chunk by default. */
  usage?: CompletionUsage | null;
}

export interface Model {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: Model[];
}
