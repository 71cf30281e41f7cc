/**
 * Anthropic usage -> OpenAI `CompletionUsage` (protocol.md §6.6, the "recommended" variant):
 *   prompt_tokens = input_tokens + cache_read_input_tokens + cache_creation_input_tokens
 *   (Anthropic's `input_tokens` excludes cache traffic; OpenAI's `prompt_tokens` includes it and
 *   `cached_tokens` is a subset), completion_tokens = output_tokens (thinking included),
 *   cached_tokens = cache reads, cache_write_tokens = cache writes, reasoning_tokens = thinking tokens.
 * The `portico` block keeps the exact Anthropic breakdown, with cache writes split by TTL because the
 * 1h write price is 2x base and the 5m price 1.25x (protocol.md §6.6 "Billing").
 */
import type { Usage } from '../../protocol/anthropic/messages.ts';
import type { CompletionUsage } from '../../protocol/openai/chat-completion.ts';

/** Non-negative integer or 0: upstream counts may be null/absent on older models. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

export function mapUsage(usage: Partial<Usage> | null | undefined): CompletionUsage {
  const input = count(usage?.input_tokens);
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheCreation = count(usage?.cache_creation_input_tokens);
  const output = count(usage?.output_tokens);
  const ttl = usage?.cache_creation;
  // The total is authoritative; the TTL breakdown only says how much of it was 1h writes. Without
  // the breakdown (older responses) every write was a default 5-minute write. This also keeps the
  // split consistent when a stream's message_delta restates the total but not the breakdown.
  const creation1h = ttl == null ? 0 : Math.min(count(ttl.ephemeral_1h_input_tokens), cacheCreation);
  const creation5m = cacheCreation - creation1h;
  const prompt = input + cacheRead + cacheCreation;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheCreation },
    completion_tokens_details: { reasoning_tokens: count(usage?.output_tokens_details?.thinking_tokens) },
    portico: {
      input_tokens: input,
      cache_read_input_tokens: cacheRead,
      cache_creation_input_tokens: cacheCreation,
      cache_creation_5m_input_tokens: creation5m,
      cache_creation_1h_input_tokens: creation1h,
      output_tokens: output,
    },
  };
}

/** Field-wise sum (n > 1 fan-out, protocol.md §6.9). Details and `portico` are kept if either side has them. */
export function sumUsage(a: CompletionUsage, b: CompletionUsage): CompletionUsage {
  const sum: CompletionUsage = {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
  const ap = a.prompt_tokens_details;
  const bp = b.prompt_tokens_details;
  if (ap !== undefined || bp !== undefined) {
    sum.prompt_tokens_details = {
      cached_tokens: count(ap?.cached_tokens) + count(bp?.cached_tokens),
      cache_write_tokens: count(ap?.cache_write_tokens) + count(bp?.cache_write_tokens),
    };
    if (ap?.audio_tokens !== undefined || bp?.audio_tokens !== undefined) {
      sum.prompt_tokens_details.audio_tokens = count(ap?.audio_tokens) + count(bp?.audio_tokens);
    }
  }
  const ac = a.completion_tokens_details;
  const bc = b.completion_tokens_details;
  if (ac !== undefined || bc !== undefined) {
    sum.completion_tokens_details = { reasoning_tokens: count(ac?.reasoning_tokens) + count(bc?.reasoning_tokens) };
  }
  const ax = a.portico;
  const bx = b.portico;
  if (ax !== undefined || bx !== undefined) {
    sum.portico = {
      input_tokens: count(ax?.input_tokens) + count(bx?.input_tokens),
      cache_read_input_tokens: count(ax?.cache_read_input_tokens) + count(bx?.cache_read_input_tokens),
      cache_creation_input_tokens: count(ax?.cache_creation_input_tokens) + count(bx?.cache_creation_input_tokens),
      cache_creation_5m_input_tokens: count(ax?.cache_creation_5m_input_tokens) + count(bx?.cache_creation_5m_input_tokens),
      cache_creation_1h_input_tokens: count(ax?.cache_creation_1h_input_tokens) + count(bx?.cache_creation_1h_input_tokens),
      output_tokens: count(ax?.output_tokens) + count(bx?.output_tokens),
    };
    if (ax?.cost_usd !== undefined || bx?.cost_usd !== undefined) {
      sum.portico.cost_usd = (ax?.cost_usd ?? 0) + (bx?.cost_usd ?? 0);
    }
  }
  return sum;
}
