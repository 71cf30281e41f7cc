/**
 * Model capability table of the fake Anthropic upstream. Anything not listed (including every retired
 * model, e.g. claude-3-5-sonnet-20241022) is unknown to the fake and yields 404 `model: <id>`, as the
 * real API does for retired IDs (protocol.md §0.1).
 * @see ../../../shared/protocol.md §0.2–§0.5, §7.1, §7.2
 */

export type ThinkingModes = 'manual-only' | 'manual-and-adaptive' | 'adaptive-only';

export interface FakeModelCaps {
  /** Snapshot id the real API reports in `message.model` (aliases resolve to their dated snapshot). */
  resolved: string;
  maxTokens: number;
  /** ``temperature` and `top_p` cannot both be specified`` (§0.2). */
  samplingPairRejected: boolean;
  /** Only temperature 1, top_p >= 0.99 and no top_k are accepted (§0.2: Opus 4.7+, Sonnet 5+). */
  samplingLocked: boolean;
  /** A final assistant message is rejected (§0.5: 4.6 and later). */
  prefillRejected: boolean;
  thinking: ThinkingModes;
  /** `thinking: {type: "disabled"}` is rejected (§0.4: Opus 5.5, Fable 5.1). */
  thinkingAlwaysOn: boolean;
  /** tool_choice any/tool rejected (§0.3: Fable 5.1, Opus 5.5, Sonnet 5.5). */
  forcedToolChoiceRejected: boolean;
}

const legacy45 = (resolved: string): FakeModelCaps => ({
  resolved,
  maxTokens: 64_000,
  samplingPairRejected: true,
  samplingLocked: false,
  prefillRejected: false,
  thinking: 'manual-only',
  thinkingAlwaysOn: false,
  forcedToolChoiceRejected: false,
});

const gen46 = (resolved: string, maxTokens: number): FakeModelCaps => ({
  resolved,
  maxTokens,
  samplingPairRejected: true,
  samplingLocked: false,
  prefillRejected: true,
  thinking: 'manual-and-adaptive',
  thinkingAlwaysOn: false,
  forcedToolChoiceRejected: false,
});

const modern = (resolved: string, extra: Partial<FakeModelCaps> = {}): FakeModelCaps => ({
  resolved,
  maxTokens: 128_000,
  samplingPairRejected: false,
  samplingLocked: true,
  prefillRejected: true,
  thinking: 'adaptive-only',
  thinkingAlwaysOn: false,
  forcedToolChoiceRejected: false,
  ...extra,
});

export const FAKE_MODELS: Readonly<Record<string, FakeModelCaps>> = {
  'claude-sonnet-4-5': legacy45('claude-sonnet-4-5-20250929'),
  'claude-sonnet-4-5-20250929': legacy45('claude-sonnet-4-5-20250929'),
  'claude-haiku-4-5': legacy45('claude-haiku-4-5-20251001'),
  'claude-haiku-4-5-20251001': legacy45('claude-haiku-4-5-20251001'),
  'claude-opus-4-5': legacy45('claude-opus-4-5-20251101'),
  'claude-opus-4-5-20251101': legacy45('claude-opus-4-5-20251101'),
  'claude-sonnet-4-6': gen46('claude-sonnet-4-6', 64_000),
  'claude-opus-4-6': gen46('claude-opus-4-6', 128_000),
  'claude-opus-4-7': modern('claude-opus-4-7'),
  'claude-opus-4-8': modern('claude-opus-4-8'),
  'claude-sonnet-5': modern('claude-sonnet-5'),
  'claude-opus-5': modern('claude-opus-5'),
  'claude-fable-5': modern('claude-fable-5'),
  'claude-fable-5-1': modern('claude-fable-5-1', { thinkingAlwaysOn: true, forcedToolChoiceRejected: true }),
  'claude-sonnet-5-5': modern('claude-sonnet-5-5', { forcedToolChoiceRejected: true }),
  'claude-opus-5-5': modern('claude-opus-5-5', { thinkingAlwaysOn: true, forcedToolChoiceRejected: true }),
  'claude-haiku-5-5': modern('claude-haiku-5-5'),
};

export function fakeModelCaps(model: string): FakeModelCaps | undefined {
  return Object.prototype.hasOwnProperty.call(FAKE_MODELS, model) ? FAKE_MODELS[model] : undefined;
}
