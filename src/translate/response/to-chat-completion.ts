/**
 * Anthropic `Message` -> OpenAI `chat.completion` (protocol.md §6.3). Pure: id/created arrive in the
 * context. Key order follows the seed (id, object, created, model, system_fingerprint, choices, usage)
 * so the serialised body matches it byte for byte.
 */
import type { ContentBlock, Message } from '../../protocol/anthropic/messages.ts';
import type {
  ChatCompletion,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  ThinkingBlockParam,
} from '../../protocol/openai/chat-completion.ts';
import { mapStopReason } from './map-stop-reason.ts';
import { mapUsage } from './map-usage.ts';

export interface CompletionContext {
  id: string;
  created: number;
  /** The client-facing model name the request used (same value the stream path reports). */
  model: string;
  choiceIndex?: number;
  /** Name of the forced tool that emulates `response_format: json_schema` (protocol.md §6.9). */
  jsonToolName?: string | null;
  systemFingerprint?: string | null;
}

/**
 * Tool input as OpenAI `arguments` text. A string input is a raw (possibly truncated, max_tokens)
 * JSON fragment and is passed through unchanged (protocol.md §6.9); a missing input means no args.
 */
export function toolArguments(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input === undefined || input === null) return '{}';
  return JSON.stringify(input);
}

export function toChatCompletion(message: Message, context: CompletionContext): ChatCompletion {
  const jsonToolName = context.jsonToolName ?? null;
  let text = '';
  let jsonContent: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  const thinkingBlocks: ThinkingBlockParam[] = [];

  const blocks: ContentBlock[] = Array.isArray(message.content) ? message.content : [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        text += (block as { text: string }).text;
        break;
      case 'tool_use': {
        const tool = block as { id: string; name: string; input: unknown };
        if (jsonToolName !== null && tool.name === jsonToolName) {
          // The forced tool's input is the structured answer: it becomes the content.
          jsonContent = (jsonContent ?? '') + toolArguments(tool.input);
        } else {
          toolCalls.push({ id: tool.id, type: 'function', function: { name: tool.name, arguments: toolArguments(tool.input) } });
        }
        break;
      }
      case 'thinking': {
        const thinking = block as { thinking: string; signature: string };
        reasoning = (reasoning ?? '') + thinking.thinking;
        thinkingBlocks.push({ type: 'thinking', thinking: thinking.thinking, signature: thinking.signature });
        break;
      }
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: (block as { data: string }).data });
        break;
      default:
        // Server-tool blocks, citations-only blocks, future types: nothing OpenAI can represent.
        break;
    }
  }

  const content = jsonContent ?? (text !== '' ? text : toolCalls.length > 0 ? null : '');
  const refusal =
    message.stop_reason === 'refusal' && typeof message.stop_details?.explanation === 'string'
      ? message.stop_details.explanation
      : null;
  const chatMessage: ChatCompletionMessage = { role: 'assistant', content, refusal };
  if (toolCalls.length > 0) chatMessage.tool_calls = toolCalls;
  if (reasoning !== null) chatMessage.reasoning_content = reasoning;
  if (thinkingBlocks.length > 0) chatMessage.thinking_blocks = thinkingBlocks;

  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    system_fingerprint: context.systemFingerprint ?? null,
    choices: [
      {
        index: context.choiceIndex ?? 0,
        message: chatMessage,
        logprobs: null,
        finish_reason: mapStopReason(message.stop_reason, { jsonToolEmulated: jsonContent !== null }),
      },
    ],
    usage: mapUsage(message.usage),
  };
}
