/**
 * Per-model adaptation of sampling parameters and `max_tokens`.
 * @see ../shared/protocol.md §0.2, §3.6, §6.9 (`max_tokens` absent, `temperature > 1`, both sampling params)
 */
import { GatewayError } from '../../domain/errors.ts';
import type { ModelInfo } from '../../domain/models/model-catalog.ts';
import type { ChatCompletionRequest } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';
import type { ThinkingPlan } from './reasoning.ts';

export interface Sampling { temperature?: number; top_p?: number; top_k?: number }

/** Thinking on: top_p must be within 0.95–1 (A-THINK). */
const THINKING_MIN_TOP_P = 0.95;

export function applySampling(req: ChatCompletionRequest, model: ModelInfo, thinkingOn: boolean, adj: Adjustments): Sampling {
  const caps = model.capabilities;
  let temperature = req.temperature ?? undefined;
  let topP = req.top_p ?? undefined;
  let topK = req.top_k ?? undefined;

  if (caps.sampling === 'default-only') {
    const why = `${model.id} accepts only default sampling`;
    if (temperature !== undefined && temperature !== 1) adj.add('temperature', 'dropped', `${temperature}, ${why}`, true);
    if (topP !== undefined && topP !== 1) adj.add('top_p', 'dropped', `${topP}, ${why}`, true);
    if (topK !== undefined) adj.add('top_k', 'dropped', `${topK}, ${why}`, true);
    return {};
  }

  if (thinkingOn) {
    if (temperature !== undefined && temperature !== 1) adj.add('temperature', 'dropped', `${temperature}, thinking on`, true);
    temperature = undefined;
    if (topK !== undefined) adj.add('top_k', 'dropped', `${topK}, thinking on`, true);
    topK = undefined;
    if (topP !== undefined && topP < THINKING_MIN_TOP_P) {
      adj.add('top_p', 'clamped', `${topP}->${THINKING_MIN_TOP_P}, thinking on`, true);
      topP = THINKING_MIN_TOP_P;
    }
  }

  // Claude's range is 0–1 (compat layer parity: values above 1 are capped).
  if (temperature !== undefined && temperature > 1) {
    adj.add('temperature', 'clamped', `${temperature}->1`, true);
    temperature = 1;
  }
  if (topP === 1) topP = undefined; // the default; never worth the pair conflict

  if (caps.sampling === 'no-temperature-with-top-p' && temperature !== undefined && topP !== undefined) {
    adj.add('top_p', 'dropped', `${topP}, ${model.id} rejects temperature with top_p`, true);
    topP = undefined;
  }

  const out: Sampling = {};
  if (temperature !== undefined) out.temperature = temperature;
  if (topP !== undefined) out.top_p = topP;
  if (topK !== undefined) out.top_k = topK;
  return out;
}

/**
 * `max_completion_tokens ?? max_tokens` → `max_tokens`. Absent → the model's max output (OpenAI's
 * "up to the model maximum"), optionally capped per deployment. Above the model max → clamped.
 * With a manual thinking budget, `max_tokens` must exceed it: a client-given raw budget is
 * validated (400), an effort-derived one raises `max_tokens` by the budget.
 */
export function resolveMaxTokens(req: ChatCompletionRequest, model: ModelInfo, plan: ThinkingPlan, cap: number | undefined, adj: Adjustments): number {
  const field = req.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const requested = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const modelMax = model.maxOutputTokens;
  let value: number;
  if (requested === undefined) {
    value = cap !== undefined && cap > 0 ? Math.min(cap, modelMax) : modelMax;
  } else if (requested > modelMax) {
    adj.add(field, 'clamped', `${requested}->${modelMax}, model maximum`, true);
    value = modelMax;
  } else {
    value = requested;
  }

  const budget = plan.budget;
  if (budget === undefined || value > budget) {
    if (requested === undefined) adj.add('max_tokens', 'defaulted', String(value), false);
    return value;
  }
  if (budget >= modelMax) {
    throw new GatewayError(
      'invalid_request',
      `Invalid 'thinking.budget_tokens': must be less than the model's maximum output of ${modelMax} tokens, but got ${budget}.`,
      { param: 'thinking.budget_tokens' },
    );
  }
  if (plan.clientBudget && requested !== undefined) {
    throw new GatewayError(
      'invalid_request',
      `Invalid 'thinking.budget_tokens': must be less than '${field}' (${requested}), but got ${budget}.`,
      { param: 'thinking.budget_tokens' },
    );
  }
  const raised = Math.min(modelMax, budget + value);
  if (requested === undefined) adj.add('max_tokens', 'defaulted', `${raised}, above thinking budget ${budget}`, false);
  else adj.add(field, 'clamped', `${value}->${raised}, thinking budget ${budget}`, true);
  return raised;
}
