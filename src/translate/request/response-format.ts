/**
 * `response_format` strategy (protocol.md §6.9):
 *  - text → nothing.
 *  - json_schema on a model with native structured outputs → `output_config.format`.
 *  - json_schema otherwise → a synthetic tool `json_response` whose input_schema is the schema; forced
 *    when the model allows it and no client tools compete, else `auto` + instruction. The caller
 *    returns that tool's input as message content (`jsonToolName`).
 *  - json_object (or json_schema without a schema) → a system instruction only (a native permissive
 *    schema is not used: Anthropic's structured outputs want closed object schemas).
 */
import { GatewayError } from '../../domain/errors.ts';
import type { ModelCapabilities } from '../../domain/models/model-catalog.ts';
import type { OutputConfig, Tool, ToolChoice } from '../../protocol/anthropic/messages.ts';
import type { ChatResponseFormat } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';

export const JSON_TOOL_NAME = 'json_response';
export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object only: no prose before or after it and no Markdown code fences.';

export interface ResponseFormatPlan {
  format: OutputConfig['format'] | undefined;
  tool: Tool | undefined;
  /** Set only when the synthetic tool should be forced (no client tools, forced use allowed). */
  toolChoice: ToolChoice | undefined;
  instruction: string | null;
  jsonToolName: string | null;
}

const NONE: ResponseFormatPlan = { format: undefined, tool: undefined, toolChoice: undefined, instruction: null, jsonToolName: null };

function uniqueName(taken: ReadonlySet<string>): string {
  let name = JSON_TOOL_NAME;
  for (let n = 1; taken.has(name); n++) name = `${JSON_TOOL_NAME}_${n}`;
  return name;
}

export function planResponseFormat(
  rf: ChatResponseFormat | null | undefined,
  caps: ModelCapabilities,
  forcedAllowed: boolean,
  clientToolNames: ReadonlySet<string>,
  adj: Adjustments,
): ResponseFormatPlan {
  if (!rf || rf.type === 'text') return NONE;
  const schema = rf.type === 'json_schema' ? rf.json_schema.schema ?? undefined : undefined;
  if (rf.type === 'json_object' || !schema) {
    adj.add('response_format', 'converted', `${rf.type}->system instruction`, false);
    return { ...NONE, instruction: JSON_OBJECT_INSTRUCTION };
  }
  if (caps.structuredOutputs) return { ...NONE, format: { type: 'json_schema', schema } };

  const param = 'response_format.json_schema.schema';
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (k in schema) {
      throw new GatewayError('invalid_request', `Invalid '${param}': '${k}' at the schema root is not supported on this model; wrap it in an object schema.`, { param });
    }
  }
  if (schema.type !== undefined && schema.type !== 'object') {
    throw new GatewayError('invalid_request', `Invalid '${param}': the schema root must have type 'object' on this model.`, { param });
  }
  const name = uniqueName(clientToolNames);
  const tool: Tool = {
    name,
    description: rf.json_schema.description ?? `Give the final answer as this tool's input (schema '${rf.json_schema.name}').`,
    input_schema: { ...schema, type: 'object' },
  };
  const force = forcedAllowed && clientToolNames.size === 0;
  adj.add('response_format', 'converted', `json_schema->tool ${name}${force ? '' : ' (not forced)'}`, false);
  return {
    format: undefined,
    tool,
    toolChoice: force ? { type: 'tool', name } : undefined,
    instruction: force ? null : `Give your final answer by calling the \`${name}\` tool with it as input, not as text.`,
    jsonToolName: name,
  };
}
