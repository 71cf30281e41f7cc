/**
 * OpenAI function tools (and legacy `functions`) → Anthropic `tools[]`.
 * @see ../shared/protocol.md §3.4, §6.1 (`tools[]` row), §6.9 (root oneOf/anyOf/allOf)
 */
import { GatewayError } from '../../domain/errors.ts';
import type { ModelCapabilities } from '../../domain/models/model-catalog.ts';
import type { Tool } from '../../protocol/anthropic/messages.ts';
import type { ChatCompletionRequest } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';

/**
 * JSON-schema `parameters` → `input_schema`: missing → empty object schema; root without `type` →
 * `type: "object"` added; a root `type` other than object or a root combinator → 400 (Anthropic
 * rejects them and there is no faithful rewrite).
 */
export function toInputSchema(parameters: Record<string, unknown> | null | undefined, param: string): Tool['input_schema'] {
  if (parameters == null) return { type: 'object', properties: {} };
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (k in parameters) {
      throw new GatewayError(
        'invalid_request',
        `Invalid '${param}': '${k}' is not supported at the top level of a tool schema; the root must be a plain object schema ({"type":"object","properties":{…}}).`,
        { param },
      );
    }
  }
  if (parameters.type === undefined) return { ...parameters, type: 'object' };
  if (parameters.type !== 'object') {
    throw new GatewayError(
      'invalid_request',
      `Invalid '${param}': the schema root must have type 'object', got ${JSON.stringify(parameters.type)}.`,
      { param },
    );
  }
  return parameters as Tool['input_schema'];
}

export interface ConvertedTools {
  /** Undefined when the request has no tools. */
  tools: Tool[] | undefined;
}

export function convertTools(req: ChatCompletionRequest, caps: ModelCapabilities, adj: Adjustments): ConvertedTools {
  const out: Tool[] = [];
  const seen = new Set<string>();
  const add = (tool: Tool, nameParam: string): void => {
    if (seen.has(tool.name)) {
      throw new GatewayError('invalid_request', `Invalid '${nameParam}': duplicate function name '${tool.name}'.`, { param: nameParam });
    }
    seen.add(tool.name);
    out.push(tool);
  };

  (req.tools ?? []).forEach((t, i) => {
    if (t.type === 'custom') {
      throw new GatewayError('unsupported_parameter', `Unsupported value for 'tools[${i}].type': custom tools are not supported; use function tools.`, {
        param: `tools[${i}].type`,
      });
    }
    const f = t.function;
    const tool: Tool = { name: f.name, input_schema: toInputSchema(f.parameters, `tools[${i}].function.parameters`) };
    if (f.description) tool.description = f.description;
    if (f.strict === true) {
      // Strict tool use is part of the structured-outputs feature (A-SDK `Tool.strict`).
      if (caps.structuredOutputs) tool.strict = true;
      else adj.add(`tools[${i}].function.strict`, 'dropped', 'strict tool use unsupported by model', true);
    }
    if (t.cache_control) tool.cache_control = t.cache_control.ttl ? { type: 'ephemeral', ttl: t.cache_control.ttl } : { type: 'ephemeral' };
    add(tool, `tools[${i}].function.name`);
  });

  (req.functions ?? []).forEach((f, i) => {
    const tool: Tool = { name: f.name, input_schema: toInputSchema(f.parameters, `functions[${i}].parameters`) };
    if (f.description) tool.description = f.description;
    add(tool, `functions[${i}].name`);
  });

  return { tools: out.length > 0 ? out : undefined };
}
