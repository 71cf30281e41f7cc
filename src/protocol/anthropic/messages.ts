/**
 * Anthropic Messages API wire shapes (request, response, stream events). Loose where the API grows
 * (unknown block and event types are tolerated and ignored), exact where we send.
 * @see ../shared/protocol.md §3, §4; A-SDK `MessageCreateParamsBase`, `Message`, `RawMessageStreamEvent`
 */

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export type ImageSource =
  | { type: 'base64'; media_type: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp'; data: string }
  | { type: 'url'; url: string };

export type DocumentSource =
  | { type: 'base64'; media_type: 'application/pdf'; data: string }
  | { type: 'text'; media_type: 'text/plain'; data: string }
  | { type: 'url'; url: string };

export interface TextBlockParam { type: 'text'; text: string; cache_control?: CacheControl }
export interface ImageBlockParam { type: 'image'; source: ImageSource; cache_control?: CacheControl }
export interface DocumentBlockParam { type: 'document'; source: DocumentSource; title?: string; cache_control?: CacheControl }
export interface ToolUseBlockParam { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; cache_control?: CacheControl }
export interface ToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlockParam | ImageBlockParam | DocumentBlockParam>;
  is_error?: boolean;
  cache_control?: CacheControl;
}
export interface ThinkingBlockParam { type: 'thinking'; thinking: string; signature: string }
export interface RedactedThinkingBlockParam { type: 'redacted_thinking'; data: string }

export type ContentBlockParam =
  | TextBlockParam
  | ImageBlockParam
  | DocumentBlockParam
  | ToolUseBlockParam
  | ToolResultBlockParam
  | ThinkingBlockParam
  | RedactedThinkingBlockParam;

export interface MessageParam {
  role: 'user' | 'assistant';
  content: string | ContentBlockParam[];
}

export interface Tool {
  name: string;
  description?: string;
  input_schema: { type: 'object'; [key: string]: unknown };
  cache_control?: CacheControl;
  strict?: boolean;
}

export type ToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type ThinkingConfig =
  | { type: 'enabled'; budget_tokens: number; display?: 'summarized' | 'omitted' }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' }
  | { type: 'disabled' };

export interface OutputConfig {
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  format?: { type: 'json_schema'; schema: Record<string, unknown> };
}

/** The body Portico posts to `${ANTHROPIC_BASE_URL}/v1/messages`. Only documented fields, ever. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: string | TextBlockParam[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  metadata?: { user_id?: string };
  tools?: Tool[];
  tool_choice?: ToolChoice;
  thinking?: ThinkingConfig;
  output_config?: OutputConfig;
  cache_control?: CacheControl;
  service_tier?: 'auto' | 'standard_only';
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

export type ContentBlock =
  | { type: 'text'; text: string; citations?: unknown }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: string; [key: string]: unknown };

export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | string | null;
  stop_sequence: string | null;
  stop_details?: { type: string; category?: string | null; explanation?: string | null } | null;
  usage: Usage;
  [key: string]: unknown;
}

export interface ErrorBody {
  type: 'error';
  error: { type: string; message: string; [key: string]: unknown };
  request_id?: string;
}

/** Stream events. Unknown `type`s are valid on the wire and must be ignored. */
export type StreamEvent =
  | { type: 'message_start'; message: Message }
  | { type: 'content_block_start'; index: number; content_block: ContentBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta:
        | { type: 'text_delta'; text: string }
        | { type: 'input_json_delta'; partial_json: string }
        | { type: 'thinking_delta'; thinking: string }
        | { type: 'signature_delta'; signature: string }
        | { type: 'citations_delta'; citation: unknown }
        | { type: string; [key: string]: unknown };
    }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: StopReason | string | null; stop_sequence: string | null; [key: string]: unknown };
      usage: Partial<Usage>;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string; [key: string]: unknown } };
