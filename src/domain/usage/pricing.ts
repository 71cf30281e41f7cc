/**
 * Prices in USD per million tokens, keyed by upstream model id (aliases included), from
 * ../shared/protocol.md §7 (A-PRICE). Billing rule (§6.6): uncached input × input, 5-minute cache
 * writes × cacheWrite5m (1.25× input), 1-hour writes × cacheWrite1h (2× input), cache reads ×
 * cacheRead (0.1× input; 0.05× on Opus 5.5, 0.025× on Fable/Mythos 5.1), output × output.
 * Overridable from config: pass a table to `costOf` (merge with `{...DEFAULT_PRICES, ...overrides}`).
 *
 * Not modelled: batch discounts, data-residency multiplier, fast mode, the 1M-context long-input
 * rates of retired betas, and Haiku 5.5's >100K-token tier (its ≤100K rates are used).
 */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export type PriceTable = Record<string, ModelPrice>;

export interface BillableTokens {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
}

/** The standard ratios: 5m write 1.25×, 1h write 2×, read 0.1× of input. */
function standard(input: number, output: number, cacheRead = input * 0.1): ModelPrice {
  return { input, output, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2, cacheRead };
}

const SONNET_3 = standard(3, 15, 0.3);
const HAIKU_3_5 = { input: 0.8, output: 4, cacheWrite5m: 1, cacheWrite1h: 1.6, cacheRead: 0.08 };
const OPUS_4 = standard(15, 75, 1.5);
const OPUS_4_5 = standard(5, 25, 0.5);
const HAIKU_4_5 = standard(1, 5, 0.1);
const SONNET_5 = standard(2, 10, 0.2);
const FABLE_5 = standard(10, 50, 1);
const FABLE_5_1 = standard(10, 50, 0.25);

export const DEFAULT_PRICES: PriceTable = {
  // §7.1
  'claude-3-5-sonnet-20241022': SONNET_3,
  'claude-3-5-haiku-20241022': HAIKU_3_5,
  'claude-3-7-sonnet-20250219': SONNET_3,
  'claude-sonnet-4-20250514': SONNET_3,
  'claude-sonnet-4-0': SONNET_3,
  'claude-opus-4-20250514': OPUS_4,
  'claude-opus-4-0': OPUS_4,
  'claude-opus-4-1-20250805': OPUS_4,
  'claude-opus-4-1': OPUS_4,
  'claude-sonnet-4-5-20250929': SONNET_3,
  'claude-sonnet-4-5': SONNET_3,
  'claude-haiku-4-5-20251001': HAIKU_4_5,
  'claude-haiku-4-5': HAIKU_4_5,
  'claude-opus-4-5-20251101': OPUS_4_5,
  'claude-opus-4-5': OPUS_4_5,
  // §7.2
  'claude-opus-4-6': OPUS_4_5,
  'claude-sonnet-4-6': SONNET_3,
  'claude-opus-4-7': OPUS_4_5,
  'claude-opus-4-8': OPUS_4_5,
  'claude-sonnet-5': SONNET_5,
  'claude-opus-5': OPUS_4_5,
  'claude-fable-5': FABLE_5,
  'claude-mythos-5': FABLE_5,
  'claude-fable-5-1': FABLE_5_1,
  'claude-mythos-5-1': FABLE_5_1,
  'claude-sonnet-5-5': SONNET_5,
  // 1h write not published (§7.2 "—"); 2× input assumed.
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 },
  // Tiered; the ≤100K-token rates (§7.2). Cache read not published: 0.1× assumed.
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheWrite5m: 0.125, cacheWrite1h: 0.2, cacheRead: 0.01 },
};

/**
 * Family fallback for ids not in the table: the highest price of an active model in the family,
 * so an unknown model is never under-billed. A model with no recognisable family costs 0 (and the
 * ledger still records its tokens).
 */
const FAMILY_PRICES: Array<[RegExp, ModelPrice]> = [
  [/opus/, OPUS_4_5],
  [/sonnet/, SONNET_3],
  [/haiku/, HAIKU_4_5],
  [/fable|mythos/, FABLE_5],
];

/**
 * The price used for `model`: exact id → id without a `-YYYYMMDD`/`-latest` suffix → the longest
 * table id that prefixes it (`claude-opus-4-1-foo` → `claude-opus-4-1`) → family → null.
 */
export function priceOf(model: string, prices: PriceTable = DEFAULT_PRICES): ModelPrice | null {
  const exact = prices[model];
  if (exact) return exact;
  const stripped = model.replace(/-(\d{8}|latest)$/, '');
  if (prices[stripped]) return prices[stripped];
  let best: string | null = null;
  for (const id of Object.keys(prices)) {
    if (stripped.startsWith(id + '-') && (best === null || id.length > best.length)) best = id;
  }
  if (best !== null) return prices[best];
  for (const [pattern, price] of FAMILY_PRICES) if (pattern.test(model)) return price;
  return null;
}

/** USD for one request (rounded to 1e-10 USD to keep sums free of float dust). */
export function costOf(model: string, tokens: BillableTokens, prices: PriceTable = DEFAULT_PRICES): number {
  const price = priceOf(model, prices);
  if (price === null) return 0;
  const microDollars =
    tokens.inputTokens * price.input +
    tokens.cacheReadTokens * price.cacheRead +
    tokens.cacheWrite5mTokens * price.cacheWrite5m +
    tokens.cacheWrite1hTokens * price.cacheWrite1h +
    tokens.outputTokens * price.output;
  return Math.round((microDollars / 1_000_000) * 1e10) / 1e10;
}
