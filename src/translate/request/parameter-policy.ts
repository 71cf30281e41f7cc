/**
 * What happens to every top-level OpenAI field. The table is the single source for
 * docs/translation.md "Parameter policy".
 *  - mapped:   translated into the Anthropic request (or into gateway behaviour: n, stream).
 *  - ignored:  no semantic effect on the answer; accepted and not sent, no adjustment.
 *  - dropped:  no Claude equivalent and it would change the answer; not sent, `dropped` adjustment
 *              when the value is not the default (strict mode refuses).
 *  - rejected: values Portico cannot honour → 400 (enforced where the value is converted).
 * @see ../shared/protocol.md §1.1, §6.1
 */
import type { ChatCompletionRequest } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';

export type PolicyKind = 'mapped' | 'ignored' | 'dropped' | 'rejected';

interface Policy {
  kind: PolicyKind;
  /** For `dropped`: is this value one that would have changed the answer? */
  active?: (value: unknown) => boolean;
}

const nonZero = (v: unknown): boolean => typeof v === 'number' && v !== 0;
const present = (v: unknown): boolean => v !== undefined && v !== null;
const nonEmptyObject = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.keys(v).length > 0;

export const PARAMETER_POLICY: Readonly<Record<keyof ChatCompletionRequest, Policy>> = {
  model: { kind: 'mapped' },
  messages: { kind: 'mapped' },
  temperature: { kind: 'mapped' },
  top_p: { kind: 'mapped' },
  n: { kind: 'mapped' }, // fan-out by the caller; > MAX_N rejected by the schema
  stop: { kind: 'mapped' },
  max_tokens: { kind: 'mapped' },
  max_completion_tokens: { kind: 'mapped' },
  stream: { kind: 'mapped' },
  stream_options: { kind: 'mapped' }, // include_usage mapped; include_obfuscation ignored
  user: { kind: 'mapped' },
  safety_identifier: { kind: 'mapped' },
  parallel_tool_calls: { kind: 'mapped' },
  tools: { kind: 'mapped' }, // custom tools rejected
  tool_choice: { kind: 'mapped' }, // custom tool_choice rejected
  functions: { kind: 'mapped' },
  function_call: { kind: 'mapped' },
  response_format: { kind: 'mapped' },
  reasoning_effort: { kind: 'mapped' },
  thinking: { kind: 'mapped' },
  top_k: { kind: 'mapped' },
  cache_control: { kind: 'mapped' },
  store: { kind: 'ignored' },
  metadata: { kind: 'ignored' },
  service_tier: { kind: 'ignored' },
  prompt_cache_key: { kind: 'ignored' },
  prompt_cache_retention: { kind: 'ignored' },
  prompt_cache_options: { kind: 'ignored' },
  prediction: { kind: 'ignored' }, // a latency hint; the answer is the same without it
  moderation: { kind: 'ignored' },
  presence_penalty: { kind: 'dropped', active: nonZero },
  frequency_penalty: { kind: 'dropped', active: nonZero },
  seed: { kind: 'dropped', active: present },
  logit_bias: { kind: 'dropped', active: nonEmptyObject },
  logprobs: { kind: 'dropped', active: (v) => v === true },
  top_logprobs: { kind: 'dropped', active: nonZero },
  verbosity: { kind: 'dropped', active: present },
  web_search_options: { kind: 'dropped', active: present },
  audio: { kind: 'dropped', active: present },
  modalities: { kind: 'dropped', active: (v) => Array.isArray(v) && v.includes('audio') },
};

/** The dropped-class fields with their activity test, in the table's order (computed once, not per request). */
const DROPPED = (Object.entries(PARAMETER_POLICY) as Array<[keyof ChatCompletionRequest, Policy]>).flatMap(([field, policy]) =>
  policy.kind === 'dropped' && policy.active ? [{ field, active: policy.active }] : [],
);

/** Record `dropped` adjustments for the dropped-class fields and for unknown top-level fields. */
export function applyParameterPolicy(req: ChatCompletionRequest, unknownFields: readonly string[], adj: Adjustments): void {
  for (const { field, active } of DROPPED) {
    const value = req[field];
    if (value !== undefined && active(value)) adj.add(field, 'dropped', 'not supported by Claude', true);
  }
  for (const field of unknownFields) adj.add(field, 'dropped', 'unknown field', true);
}
