/**
 * `safety_identifier` (preferred) or `user` → `metadata.user_id`, only when it looks opaque.
 * Anthropic asks for an opaque id with no PII (protocol.md §3.2); LITELLM skips emails/phone numbers.
 */
import type { ChatCompletionRequest } from '../../protocol/openai/chat-completion-request.ts';
import type { Adjustments } from './adjustments.ts';

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE = /^\+?[\d\s().-]{7,}$/;
const MAX_LEN = 256;

export function looksOpaque(id: string): boolean {
  if (id.trim() === '' || id.length > MAX_LEN) return false;
  if (EMAIL.test(id)) return false;
  if (PHONE.test(id) && id.replace(/\D/g, '').length >= 7) return false;
  return true;
}

export function toMetadataUserId(req: ChatCompletionRequest, adj: Adjustments): string | undefined {
  const field = req.safety_identifier != null ? 'safety_identifier' : 'user';
  const value = req.safety_identifier ?? req.user ?? undefined;
  if (value === undefined || value === '') return undefined;
  if (looksOpaque(value)) return value;
  // Metadata only: the answer does not change, so strict mode does not refuse this.
  adj.add(field, 'dropped', 'looks like personal data, not an opaque id', false);
  return undefined;
}
