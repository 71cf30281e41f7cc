/**
 * OpenAI `tool_choice` / legacy `function_call` / `parallel_tool_calls` → Anthropic `tool_choice`.
 * Where forced tool use is not allowed (Fable 5.1, Mythos 5.1, Opus 5.5, Sonnet 5.5; or thinking on)
 * `required` and a named choice become `auto` plus a system instruction (a named choice also
 * restricts `tools` to that one tool), recorded as `remapped` adjustments.
 * @see ../shared/protocol.md §0.3, §3.6, §6.1
 */
import { GatewayError } from '../../domain/errors.ts';
import type { Tool, ToolChoice } from '../../protocol/anthropic/messages.ts';
import type { ChatCompletionRequest } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';

export interface ToolChoiceResult {
  tools: Tool[] | undefined;
  toolChoice: ToolChoice | undefined;
  /** Extra system-prompt text standing in for a forced choice. */
  instruction: string | null;
}

type Intent =
  | { kind: 'none' | 'auto' | 'required' }
  | { kind: 'named'; name: string; param: string };

function intentOf(req: ChatCompletionRequest): { intent: Intent | null; field: string } {
  const tc = req.tool_choice;
  if (tc != null) {
    if (typeof tc === 'string') return { intent: { kind: tc }, field: 'tool_choice' };
    switch (tc.type) {
      case 'function':
        return { intent: { kind: 'named', name: tc.function.name, param: 'tool_choice.function.name' }, field: 'tool_choice' };
      case 'allowed_tools':
        return { intent: { kind: tc.allowed_tools.mode === 'required' ? 'required' : 'auto' }, field: 'tool_choice' };
      case 'custom':
        throw new GatewayError('unsupported_parameter', "Unsupported value for 'tool_choice': custom tools are not supported.", { param: 'tool_choice' });
    }
  }
  const fc = req.function_call;
  if (fc != null) {
    if (typeof fc === 'string') return { intent: { kind: fc }, field: 'function_call' };
    return { intent: { kind: 'named', name: fc.name, param: 'function_call.name' }, field: 'function_call' };
  }
  return { intent: null, field: 'tool_choice' };
}

/** True when the client asks for forced tool use (so the caller can keep default thinking off). */
export function wantsForcedTool(req: ChatCompletionRequest): boolean {
  const tc = req.tool_choice;
  if (tc === 'required') return true;
  if (tc != null && typeof tc === 'object') return tc.type === 'function' || (tc.type === 'allowed_tools' && tc.allowed_tools.mode === 'required');
  return req.tool_choice == null && req.function_call != null && typeof req.function_call === 'object';
}

export function convertToolChoice(
  req: ChatCompletionRequest,
  allTools: Tool[] | undefined,
  forcedAllowed: boolean,
  whyNotForced: string,
  adj: Adjustments,
): ToolChoiceResult {
  const { intent, field } = intentOf(req);
  if (!allTools) {
    if (intent && (intent.kind === 'required' || intent.kind === 'named')) {
      throw new GatewayError('invalid_request', `Invalid value for '${field}': '${field}' is only allowed when 'tools' are specified.`, { param: field });
    }
    return { tools: undefined, toolChoice: undefined, instruction: null };
  }

  let tools = allTools;
  const tc = req.tool_choice;
  if (tc != null && typeof tc === 'object' && tc.type === 'allowed_tools') {
    const allowed = new Set<string>();
    tc.allowed_tools.tools.forEach((t, k) => {
      const name = t.function?.name;
      const param = `tool_choice.allowed_tools.tools[${k}]`;
      if (!name || !allTools.some((x) => x.name === name)) {
        throw new GatewayError('invalid_request', `Invalid '${param}': no function tool named '${name ?? ''}' in 'tools'.`, { param });
      }
      allowed.add(name);
    });
    tools = allTools.filter((t) => allowed.has(t.name));
  }

  const disableParallel = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  let toolChoice: ToolChoice | undefined;
  let instruction: string | null = null;
  const kind = intent?.kind ?? null;
  switch (kind) {
    case null:
      toolChoice = req.parallel_tool_calls === false ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
      break;
    case 'none':
      toolChoice = { type: 'none' };
      break;
    case 'auto':
      toolChoice = { type: 'auto', ...disableParallel };
      break;
    case 'required':
      if (forcedAllowed) toolChoice = { type: 'any', ...disableParallel };
      else {
        adj.add(field, 'remapped', `required->auto, ${whyNotForced}`, true);
        toolChoice = { type: 'auto', ...disableParallel };
        instruction = 'You must respond by calling at least one of the provided tools.';
      }
      break;
    case 'named': {
      const named = intent as Extract<Intent, { kind: 'named' }>;
      if (!tools.some((t) => t.name === named.name)) {
        throw new GatewayError('invalid_request', `Invalid '${named.param}': no function tool named '${named.name}' in 'tools'.`, { param: named.param });
      }
      if (forcedAllowed) toolChoice = { type: 'tool', name: named.name, ...disableParallel };
      else {
        adj.add(field, 'remapped', `function ${named.name}->auto with only that tool, ${whyNotForced}`, true);
        tools = tools.filter((t) => t.name === named.name);
        toolChoice = { type: 'auto', ...disableParallel };
        instruction = `You must respond by calling the tool \`${named.name}\`.`;
      }
      break;
    }
  }
  return { tools, toolChoice, instruction };
}
