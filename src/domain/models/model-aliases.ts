/**
 * Client-facing names that are not live upstream ids.
 * @see ../shared/protocol.md §0.1 (retirements), §7.1 (Anthropic's own short aliases)
 */

/**
 * Anthropic's own short names of live dated models. Same model, so not a "remap".
 */
export const ANTHROPIC_ALIASES: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
};

/**
 * Retired ids (404 upstream) → live successor in the same class. Successors are chosen to accept
 * habitual OpenAI parameters (temperature, forced tool_choice, manual thinking budgets):
 * - Sonnet class → `claude-sonnet-4-6`: newest Sonnet that still takes `temperature` and forced
 *   tools; Sonnet 4.5 (which would also allow prefill) is past its "not sooner than" date (§7.1).
 * - Haiku class → `claude-haiku-4-5` (the only live Haiku with ordinary sampling; Haiku 5.5 is
 *   default-sampling-only and tier-priced).
 * - Opus class → `claude-opus-4-6`: last Opus with temperature, forced tools and 128K output.
 * Deployments can override any entry via config `aliases`.
 */
export const RETIRED_ALIASES: Readonly<Record<string, string>> = {
  // Sonnet 3.5 / 3.7 / 4 (the seed's default claude-3-5-sonnet-20241022 is here)
  'claude-3-5-sonnet-20241022': 'claude-sonnet-4-6',
  'claude-3-5-sonnet-20240620': 'claude-sonnet-4-6',
  'claude-3-5-sonnet-latest': 'claude-sonnet-4-6',
  'claude-3-7-sonnet-20250219': 'claude-sonnet-4-6',
  'claude-3-7-sonnet-latest': 'claude-sonnet-4-6',
  'claude-3-sonnet-20240229': 'claude-sonnet-4-6',
  'claude-sonnet-4-20250514': 'claude-sonnet-4-6',
  'claude-sonnet-4-0': 'claude-sonnet-4-6',
  'claude-sonnet-4': 'claude-sonnet-4-6',
  // Haiku 3 / 3.5
  'claude-3-5-haiku-20241022': 'claude-haiku-4-5',
  'claude-3-5-haiku-latest': 'claude-haiku-4-5',
  'claude-3-haiku-20240307': 'claude-haiku-4-5',
  // Opus 3 / 4 / 4.1
  'claude-3-opus-20240229': 'claude-opus-4-6',
  'claude-3-opus-latest': 'claude-opus-4-6',
  'claude-opus-4-20250514': 'claude-opus-4-6',
  'claude-opus-4-0': 'claude-opus-4-6',
  'claude-opus-4': 'claude-opus-4-6',
  'claude-opus-4-1-20250805': 'claude-opus-4-6',
  'claude-opus-4-1': 'claude-opus-4-6',
};
