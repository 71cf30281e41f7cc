/**
 * OpenAI chat completion request (unknown JSON) → validated → Anthropic Messages request + adjustments.
 * Pure: no I/O, clock, randomness or logging. Throws GatewayError.
 * @see ../shared/protocol.md §6.1, §6.2, §6.9; docs/translation.md
 */
import { GatewayError, invalidRequest } from '../../domain/errors.ts';
import type { ModelCatalog } from '../../domain/models/model-catalog.ts';
import type { MessagesRequest, OutputConfig, TextBlockParam } from '../../protocol/anthropic/messages.ts';
import { parseChatCompletionRequest, unknownTopLevelFields } from '../../protocol/openai/chat-completion-request.ts';
import { Adjustments, type Adjustment } from './adjustments.ts';
import { applySampling, resolveMaxTokens } from './apply-capabilities.ts';
import { applyCachePolicy, type CachePolicy } from './cache-policy.ts';
import { convertMessages, type SystemPart } from './convert-messages.ts';
import { convertStop } from './convert-stop.ts';
import { convertToolChoice, wantsForcedTool } from './convert-tool-choice.ts';
import { convertTools } from './convert-tools.ts';
import { estimateInputTokens } from './estimate-tokens.ts';
import { normalizeTurns } from './normalize-turns.ts';
import { applyParameterPolicy } from './parameter-policy.ts';
import { planThinking, toolLoopWithoutThinking } from './reasoning.ts';
import { planResponseFormat } from './response-format.ts';
import { toMetadataUserId } from './user-id.ts';

export { formatAdjustmentsHeader, type Adjustment, type AdjustmentAction } from './adjustments.ts';

export interface TranslateOptions {
  catalog: ModelCatalog;
  /** Client-facing default when body.model is absent (config default 'claude-3-5-sonnet-20241022'). */
  defaultModel: string;
  strict: boolean;
  /** Optional deployment cap on the injected default max_tokens. */
  maxTokensCap?: number;
  cachePolicy: CachePolicy;
}

export interface TranslatedRequest {
  requestedModel: string;
  servedModel: string;
  /** Never includes `stream`; the caller sets it. */
  anthropic: MessagesRequest;
  stream: boolean;
  includeUsage: boolean;
  n: number;
  adjustments: Adjustment[];
  /** Set when structured output is emulated with a tool whose input must be returned as message content. */
  jsonToolName: string | null;
  /** Cheap estimate (chars/3.5 + per-image constant) for TPM pre-admission. */
  estimatedInputTokens: number;
}

export function toAnthropicRequest(body: unknown, options: TranslateOptions): TranslatedRequest {
  const req = parseChatCompletionRequest(body);
  // OpenAI's own rule: stream_options describe a stream, so without one they are a mistake.
  if (req.stream_options != null && req.stream !== true) {
    throw invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  const adj = new Adjustments(options.strict);

  // Model first, so its adjustment leads the header.
  const clientModel = req.model != null && req.model.trim() !== '' ? req.model : null;
  const requestedModel = clientModel ?? options.defaultModel;
  const resolved = options.catalog.resolve(requestedModel);
  if (!resolved) {
    throw new GatewayError('model_not_found', `The model \`${requestedModel}\` does not exist or you do not have access to it.`, { param: 'model' });
  }
  const model = resolved.model;
  const caps = model.capabilities;
  if (resolved.remapped) {
    // A retirement remap changes what the client asked for; a config alias or the gateway default does not.
    adj.add('model', 'remapped', `${requestedModel}->${model.id}`, clientModel !== null && resolved.via === 'retired');
  }

  applyParameterPolicy(req, unknownTopLevelFields(body as Record<string, unknown>), adj);

  // Thinking decides what tool_choice, sampling and prefill may do.
  let plan = planThinking(req, caps, model.id, adj);
  const converted = convertTools(req, caps, adj);
  const clientToolNames = new Set((converted.tools ?? []).map((t) => t.name));
  const jsonNeedsTool = req.response_format?.type === 'json_schema' && !!req.response_format.json_schema.schema && !caps.structuredOutputs;
  if (plan.on && !plan.explicit && caps.thinkingCanBeDisabled && caps.forcedToolChoice && (wantsForcedTool(req) || (jsonNeedsTool && clientToolNames.size === 0))) {
    // Default-on thinking would forbid the forced tool use the client asked for; turn it off instead.
    plan = { ...plan, thinking: { type: 'disabled' }, on: false };
    adj.add('thinking', 'converted', 'disabled for forced tool_choice', false);
  }
  const forcedAllowed = caps.forcedToolChoice && !plan.on;
  const whyNotForced = caps.forcedToolChoice ? 'thinking on' : `${model.id} rejects forced tool use`;

  const choice = convertToolChoice(req, converted.tools, forcedAllowed, whyNotForced, adj);
  const rf = planResponseFormat(req.response_format, caps, forcedAllowed, clientToolNames, adj);

  const messages = convertMessages(req.messages, adj);
  const turns = normalizeTurns(messages.turns, messages.toolUseSource, adj, { allowPrefill: caps.prefill && !plan.on, modelId: model.id });

  if (plan.thinking?.type === 'enabled' && caps.thinkingCanBeDisabled && toolLoopWithoutThinking(turns)) {
    adj.add(req.thinking ? 'thinking' : 'reasoning_effort', 'dropped', 'tool loop without thinking_blocks', true);
    plan = { ...plan, thinking: undefined, on: false, budget: undefined };
  }
  const sampling = applySampling(req, model, plan.on, adj);
  const maxTokens = resolveMaxTokens(req, model, plan, options.maxTokensCap, adj);
  const stop = convertStop(req.stop, adj);
  const userId = toMetadataUserId(req, adj);

  const systemParts: SystemPart[] = [...messages.system];
  for (const text of [choice.instruction, rf.instruction]) if (text) systemParts.push({ text });

  const anthropic: MessagesRequest = { model: model.id, max_tokens: maxTokens, messages: turns };
  if (systemParts.length > 0) {
    anthropic.system = systemParts.some((p) => p.cache_control)
      ? systemParts.map((p): TextBlockParam => ({ type: 'text', text: p.text, ...(p.cache_control ? { cache_control: p.cache_control } : {}) }))
      : systemParts.map((p) => p.text).join('\n');
  }
  Object.assign(anthropic, sampling);
  if (stop) anthropic.stop_sequences = stop;
  if (userId) anthropic.metadata = { user_id: userId };
  const tools = [...(choice.tools ?? []), ...(rf.tool ? [rf.tool] : [])];
  if (tools.length > 0) anthropic.tools = tools;
  const toolChoice = rf.toolChoice ?? choice.toolChoice;
  if (toolChoice && tools.length > 0) anthropic.tool_choice = toolChoice;
  if (plan.thinking) anthropic.thinking = plan.thinking;
  const outputConfig: OutputConfig = {};
  if (plan.effort) outputConfig.effort = plan.effort;
  if (rf.format) outputConfig.format = rf.format;
  if (outputConfig.effort || outputConfig.format) anthropic.output_config = outputConfig;
  if (req.cache_control) anthropic.cache_control = req.cache_control.ttl ? { type: 'ephemeral', ttl: req.cache_control.ttl } : { type: 'ephemeral' };

  applyCachePolicy(anthropic, options.cachePolicy);

  const stream = req.stream === true;
  return {
    requestedModel,
    servedModel: model.id,
    anthropic,
    stream,
    includeUsage: stream && req.stream_options?.include_usage === true,
    n: req.n ?? 1,
    adjustments: adj.list,
    jsonToolName: rf.jsonToolName,
    estimatedInputTokens: estimateInputTokens(anthropic),
  };
}
