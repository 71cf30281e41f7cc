/**
 * `reasoning_effort` and the raw `thinking` extension → Anthropic `thinking` / `output_config.effort`.
 * Manual-thinking models get a budget; adaptive models get `{type:'adaptive'}` + effort.
 * @see ../shared/protocol.md §0.4, §3.6, §6.9 (`reasoning_effort` row)
 */
import { EFFORT_ORDER, type EffortLevel, type ModelCapabilities } from '../../domain/models/model-capabilities.ts';
import type { MessageParam, ThinkingConfig } from '../../protocol/anthropic/messages.ts';
import type { ChatCompletionRequest, ReasoningEffort } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';

/** Manual budgets per effort (LITELLM defaults; minimal raised to Anthropic's 1024 minimum). */
export const EFFORT_BUDGET: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
  max: 16384,
};

/** Budget assumed when an adaptive request must be served by a manual-only model. */
const ADAPTIVE_AS_BUDGET = EFFORT_BUDGET.high;

export interface ThinkingPlan {
  thinking: ThinkingConfig | undefined;
  effort: EffortLevel | undefined;
  /** The model will think (explicitly enabled, or on by default and not disabled). */
  on: boolean;
  /** The client asked for the thinking state (reasoning_effort or thinking present). */
  explicit: boolean;
  /** Manual budget in force, for the max_tokens > budget rule. */
  budget: number | undefined;
  /** True when the budget came from the client's raw `thinking` (its max_tokens is then validated, not raised). */
  clientBudget: boolean;
}

/** Highest supported level ≤ wanted (or the lowest supported if none is lower). */
function supportedEffort(wanted: EffortLevel, caps: ModelCapabilities): EffortLevel | undefined {
  if (caps.effortLevels.length === 0) return undefined;
  if (caps.effortLevels.includes(wanted)) return wanted;
  const idx = EFFORT_ORDER.indexOf(wanted);
  for (let i = idx - 1; i >= 0; i--) if (caps.effortLevels.includes(EFFORT_ORDER[i]!)) return EFFORT_ORDER[i];
  return caps.effortLevels[0];
}

function effortFor(re: Exclude<ReasoningEffort, 'none'>, caps: ModelCapabilities, field: string, adj: Adjustments): EffortLevel | undefined {
  const wanted: EffortLevel = re === 'minimal' ? 'low' : re;
  if (re === 'minimal') adj.add(field, 'converted', 'minimal->low', false);
  const got = supportedEffort(wanted, caps);
  if (got !== wanted && got !== undefined) adj.add(field, 'clamped', `${wanted}->${got}`, true);
  return got;
}

function budgetToEffort(budget: number): EffortLevel {
  if (budget < 2048) return 'low';
  if (budget < 4096) return 'medium';
  if (budget < 8192) return 'high';
  if (budget < 16384) return 'xhigh';
  return 'max';
}

/** Thinking can't be turned off: lowest effort instead. */
function cannotDisable(field: string, caps: ModelCapabilities, modelId: string, adj: Adjustments): ThinkingPlan {
  const effort = supportedEffort('low', caps);
  adj.add(field, 'clamped', `none->effort ${effort ?? 'default'}, thinking cannot be disabled on ${modelId}`, true);
  return { thinking: undefined, effort, on: true, explicit: true, budget: undefined, clientBudget: false };
}

export function planThinking(req: ChatCompletionRequest, caps: ModelCapabilities, modelId: string, adj: Adjustments): ThinkingPlan {
  const re = req.reasoning_effort ?? undefined;
  const raw = req.thinking ?? undefined;
  const manual = caps.thinking === 'manual';
  const adaptive = caps.thinking !== 'manual';
  const canManual = caps.thinking !== 'adaptive';

  if (raw) {
    const display = 'display' in raw && raw.display ? { display: raw.display } : {};
    switch (raw.type) {
      case 'enabled': {
        if (re !== undefined) adj.add('reasoning_effort', 'dropped', 'thinking.budget_tokens given', false);
        if (canManual) {
          return { thinking: { type: 'enabled', budget_tokens: raw.budget_tokens, ...display }, effort: undefined, on: true, explicit: true, budget: raw.budget_tokens, clientBudget: true };
        }
        const effort = supportedEffort(budgetToEffort(raw.budget_tokens), caps);
        adj.add('thinking', 'remapped', `enabled budget ${raw.budget_tokens}->adaptive effort ${effort ?? 'default'}`, true);
        return { thinking: { type: 'adaptive', ...display }, effort, on: true, explicit: true, budget: undefined, clientBudget: false };
      }
      case 'adaptive': {
        if (adaptive) {
          const effort = re === undefined ? undefined : re === 'none' ? supportedEffort('low', caps) : effortFor(re, caps, 'reasoning_effort', adj);
          return { thinking: { type: 'adaptive', ...display }, effort, on: true, explicit: true, budget: undefined, clientBudget: false };
        }
        const budget = re !== undefined && re !== 'none' ? EFFORT_BUDGET[re] : ADAPTIVE_AS_BUDGET;
        adj.add('thinking', 'remapped', `adaptive->enabled budget ${budget}`, true);
        return { thinking: { type: 'enabled', budget_tokens: budget, ...display }, effort: undefined, on: true, explicit: true, budget, clientBudget: false };
      }
      case 'disabled':
        if (caps.thinkingCanBeDisabled) {
          return { thinking: { type: 'disabled' }, effort: undefined, on: false, explicit: true, budget: undefined, clientBudget: false };
        }
        return cannotDisable('thinking', caps, modelId, adj);
    }
  }

  if (re !== undefined) {
    if (re === 'none') {
      if (caps.thinkingCanBeDisabled) {
        return { thinking: { type: 'disabled' }, effort: undefined, on: false, explicit: true, budget: undefined, clientBudget: false };
      }
      return cannotDisable('reasoning_effort', caps, modelId, adj);
    }
    if (manual) {
      const budget = EFFORT_BUDGET[re];
      return { thinking: { type: 'enabled', budget_tokens: budget }, effort: undefined, on: true, explicit: true, budget, clientBudget: false };
    }
    const effort = effortFor(re, caps, 'reasoning_effort', adj);
    return { thinking: { type: 'adaptive' }, effort, on: true, explicit: true, budget: undefined, clientBudget: false };
  }

  return { thinking: undefined, effort: undefined, on: caps.thinkingDefaultOn, explicit: false, budget: undefined, clientBudget: false };
}

/**
 * Manual thinking inside a tool loop needs the assistant's signed thinking block echoed back
 * ("When `thinking` is enabled, a final `assistant` message must start with a thinking block…",
 * §3.5). OpenAI clients that do not return Portico's `thinking_blocks` cannot satisfy that, so
 * thinking is turned off for such a request where the model allows it (protocol.md §6.2 step 11 (a)).
 */
export function toolLoopWithoutThinking(messages: readonly MessageParam[]): boolean {
  const last = messages[messages.length - 1];
  const prev = messages[messages.length - 2];
  if (!last || !prev || last.role !== 'user' || prev.role !== 'assistant') return false;
  if (!Array.isArray(last.content) || !last.content.some((b) => b.type === 'tool_result')) return false;
  if (!Array.isArray(prev.content)) return true;
  const first = prev.content[0];
  return !(first && (first.type === 'thinking' || first.type === 'redacted_thinking'));
}
