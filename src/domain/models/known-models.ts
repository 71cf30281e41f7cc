/**
 * The live Claude models (protocol.md §7.1/§7.2, status as of the stored docs, Jul–Oct 2026).
 * `created` is Unix seconds at 00:00 UTC of the release date; where protocol.md only gives a month or
 * an inferred date the value is approximate (marked `~`). Override per deployment via config.
 */
import type { ModelCapabilities } from './model-capabilities.ts';

export interface ModelInfo {
  /** Upstream Anthropic model id. */
  id: string;
  displayName: string;
  /** Unix seconds. */
  created: number;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ModelCapabilities;
}

const day = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 1000);

/** Claude 4.5 (Sonnet/Opus): manual thinking, prefill allowed, temperature+top_p pair rejected (§0.2). */
const GEN_4_5: ModelCapabilities = {
  sampling: 'no-temperature-with-top-p',
  prefill: true,
  forcedToolChoice: true,
  thinking: 'manual',
  thinkingCanBeDisabled: true,
  thinkingDefaultOn: false,
  structuredOutputs: true,
  effortLevels: [],
};

/** Claude 4.6: no prefill (§0.5); adaptive + deprecated manual thinking (§7.2). */
const GEN_4_6: ModelCapabilities = {
  ...GEN_4_5,
  prefill: false,
  thinking: 'both',
  effortLevels: ['low', 'medium', 'high', 'max'],
};

/** Opus 4.7+ / Sonnet 5+: only default sampling, adaptive thinking only (§0.2, §0.4). */
const GEN_NEW: ModelCapabilities = {
  sampling: 'default-only',
  prefill: false,
  forcedToolChoice: true,
  thinking: 'adaptive',
  thinkingCanBeDisabled: true,
  thinkingDefaultOn: false,
  structuredOutputs: true,
  effortLevels: ['low', 'medium', 'high', 'xhigh', 'max'],
};

/** Fable 5.1 / Mythos 5.1 / Opus 5.5: thinking always on, forced tool_choice → 400 (§0.3, §0.4). */
const GEN_ALWAYS_THINKING: ModelCapabilities = {
  ...GEN_NEW,
  forcedToolChoice: false,
  thinkingCanBeDisabled: false,
  thinkingDefaultOn: true,
};

const K = 1000;

export const KNOWN_MODELS: readonly ModelInfo[] = [
  {
    id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', created: day('2025-09-29'),
    contextWindow: 200 * K, maxOutputTokens: 64000, capabilities: GEN_4_5,
  },
  {
    // Haiku 4.5: manual thinking only (§0.4). Native structured outputs treated as unsupported
    // (not confirmed in protocol.md) → response_format json_schema uses the forced-tool route.
    id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', created: day('2025-10-01'),
    contextWindow: 200 * K, maxOutputTokens: 64000, capabilities: { ...GEN_4_5, structuredOutputs: false },
  },
  {
    id: 'claude-opus-4-5-20251101', displayName: 'Claude Opus 4.5', created: day('2025-11-01'),
    contextWindow: 200 * K, maxOutputTokens: 64000,
    capabilities: { ...GEN_4_5, effortLevels: ['low', 'medium', 'high'] },
  },
  {
    id: 'claude-opus-4-6', displayName: 'Claude Opus 4.6', created: day('2026-02-05'),
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_4_6,
  },
  {
    // ~2026-02-17 (inferred). Max output 64K per the official overview (§7.2).
    id: 'claude-sonnet-4-6', displayName: 'Claude Sonnet 4.6', created: day('2026-02-17'),
    contextWindow: 1000 * K, maxOutputTokens: 64000, capabilities: GEN_4_6,
  },
  {
    id: 'claude-opus-4-7', displayName: 'Claude Opus 4.7', created: day('2026-04-16'),
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_NEW,
  },
  {
    id: 'claude-opus-4-8', displayName: 'Claude Opus 4.8', created: day('2026-05-28'), // ~
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_NEW,
  },
  {
    // "adaptive default on" (§7.2).
    id: 'claude-sonnet-5', displayName: 'Claude Sonnet 5', created: day('2026-06-30'),
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: { ...GEN_NEW, thinkingDefaultOn: true },
  },
  {
    id: 'claude-opus-5', displayName: 'Claude Opus 5', created: day('2026-07-24'),
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_NEW,
  },
  {
    id: 'claude-fable-5', displayName: 'Claude Fable 5', created: day('2026-08-01'), // ~ ("2026")
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_NEW,
  },
  {
    id: 'claude-mythos-5', displayName: 'Claude Mythos 5', created: day('2026-08-01'), // ~, invitation-only
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_NEW,
  },
  {
    id: 'claude-fable-5-1', displayName: 'Claude Fable 5.1', created: day('2026-09-01'),
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_ALWAYS_THINKING,
  },
  {
    id: 'claude-mythos-5-1', displayName: 'Claude Mythos 5.1', created: day('2026-09-01'), // invitation-only
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_ALWAYS_THINKING,
  },
  {
    // Forced tool_choice and sampling params → 400; thinking can be disabled (§7.2).
    id: 'claude-sonnet-5-5', displayName: 'Claude Sonnet 5.5', created: day('2026-09-28'),
    contextWindow: 1000 * K, maxOutputTokens: 128000,
    capabilities: { ...GEN_NEW, forcedToolChoice: false, thinkingDefaultOn: true },
  },
  {
    id: 'claude-opus-5-5', displayName: 'Claude Opus 5.5', created: day('2026-10-01'), // ~ (Sep/Oct)
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_ALWAYS_THINKING,
  },
  {
    id: 'claude-haiku-5-5', displayName: 'Claude Haiku 5.5', created: day('2026-10-07'),
    contextWindow: 1000 * K, maxOutputTokens: 128000, capabilities: GEN_NEW,
  },
];
