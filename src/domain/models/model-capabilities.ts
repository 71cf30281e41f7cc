/**
 * What a Claude model accepts. These flags drive every per-model adaptation in
 * `translate/request/apply-capabilities.ts`.
 * @see ../shared/protocol.md §0 (facts 2–5), §3.6, §7
 */

/**
 * - `any`: temperature, top_p and top_k may all be sent.
 * - `no-temperature-with-top-p`: 400 "`temperature` and `top_p` cannot both be specified" (Claude 4.5/4.6, §0.2).
 * - `default-only`: non-default temperature/top_p/top_k → 400 (Opus 4.7+, Sonnet 5+; §0.2).
 */
export type SamplingPolicy = 'any' | 'no-temperature-with-top-p' | 'default-only';

/** `manual` = thinking {type:'enabled', budget_tokens}; `adaptive` = {type:'adaptive'} + output_config.effort. */
export type ThinkingMode = 'manual' | 'adaptive' | 'both';

export type EffortLevel = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export const EFFORT_ORDER: readonly EffortLevel[] = ['low', 'medium', 'high', 'xhigh', 'max'];

export interface ModelCapabilities {
  sampling: SamplingPolicy;
  /** A final assistant message (prefill) is accepted. False on 4.6+ (§0.5). */
  prefill: boolean;
  /** tool_choice `any`/`tool` accepted. False on Fable 5.1, Mythos 5.1, Opus 5.5, Sonnet 5.5 (§0.3). */
  forcedToolChoice: boolean;
  thinking: ThinkingMode;
  /** thinking {type:'disabled'} accepted. False on Opus 5.5 / Fable 5.1 / Mythos 5.1 (§0.4). */
  thinkingCanBeDisabled: boolean;
  /** The model thinks when the request says nothing about thinking (Sonnet 5+, always-on models). */
  thinkingDefaultOn: boolean;
  /** Native `output_config.format` (and `strict` tools). A-SDK `capabilities.structured_outputs`. */
  structuredOutputs: boolean;
  /** `output_config.effort` levels; empty = the parameter is not accepted. */
  effortLevels: EffortLevel[];
}

/**
 * Capabilities assumed for a `claude-…` name Portico does not know (a model newer than this table):
 * the restrictions of the newest models, so the request is the one most likely to be accepted.
 */
export const CONSERVATIVE_CAPABILITIES: ModelCapabilities = {
  sampling: 'default-only',
  prefill: false,
  forcedToolChoice: false,
  thinking: 'adaptive',
  thinkingCanBeDisabled: false,
  thinkingDefaultOn: true,
  structuredOutputs: true,
  effortLevels: ['low', 'medium', 'high'],
};
