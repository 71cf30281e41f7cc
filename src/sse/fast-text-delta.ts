/**
 * The most frequent event of a stream, parsed without JSON.parse. Anthropic serialises a text delta
 * as exactly `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`
 * (protocol.md §4.2; every recording in test/fixtures). When `data` has that exact shape and the
 * text needs no unescaping (no backslash, quote or control character), the event is built from the
 * slice; anything else (an escape, whitespace padding, other key orders or fields) returns null and
 * goes through JSON.parse. The result equals JSON.parse(data) whenever it is not null (property test).
 * Why: with many tokens per network read, JSON.parse was the largest single piece of per-token CPU.
 */
import type { StreamEvent } from '../protocol/anthropic/messages.ts';

const HEAD = '{"type":"content_block_delta","index":';
const MID = ',"delta":{"type":"text_delta","text":"';
const TAIL = '"}}';
/** More digits could exceed what JSON.parse reads exactly; leave those to it. */
const MAX_INDEX_DIGITS = 9;

export function fastTextDelta(data: string): StreamEvent | null {
  if (!data.startsWith(HEAD) || !data.endsWith(TAIL)) return null;
  const digitsStart = HEAD.length;
  let i = digitsStart;
  let index = 0;
  for (; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) break;
    index = index * 10 + (c - 48);
  }
  const digits = i - digitsStart;
  // JSON numbers have no leading zeros ("01" is invalid: JSON.parse must be the one to reject it).
  if (digits === 0 || digits > MAX_INDEX_DIGITS || (digits > 1 && data.charCodeAt(digitsStart) === 48)) return null;
  if (!data.startsWith(MID, i)) return null;
  const textStart = i + MID.length;
  const textEnd = data.length - TAIL.length;
  if (textEnd < textStart) return null;
  for (let j = textStart; j < textEnd; j++) {
    const c = data.charCodeAt(j);
    // `"` would end the string early, `\` starts an escape, raw control characters are invalid JSON.
    if (c === 34 || c === 92 || c < 32) return null;
  }
  return { type: 'content_block_delta', index, delta: { type: 'text_delta', text: data.slice(textStart, textEnd) } } as StreamEvent;
}
