/**
 * Cheap input-token estimate for TPM pre-admission (not billing): characters / 3.5, plus a constant
 * per image (a ~1.15 MP image is ~1,600 tokens, A-VISION) and bytes / 4 for base64 PDFs.
 */
import type { ContentBlockParam, MessagesRequest } from '../../protocol/anthropic/messages.ts';

export const IMAGE_TOKENS = 1600;
const CHARS_PER_TOKEN = 3.5;

function blockCost(b: ContentBlockParam): { chars: number; tokens: number } {
  switch (b.type) {
    case 'text':
      return { chars: b.text.length, tokens: 0 };
    case 'image':
      return { chars: 0, tokens: IMAGE_TOKENS };
    case 'document':
      if (b.source.type === 'text') return { chars: b.source.data.length, tokens: 0 };
      if (b.source.type === 'base64') return { chars: 0, tokens: Math.ceil((b.source.data.length * 3) / 4 / 4) };
      return { chars: 0, tokens: IMAGE_TOKENS };
    case 'tool_use':
      return { chars: b.name.length + JSON.stringify(b.input).length, tokens: 0 };
    case 'tool_result': {
      if (typeof b.content === 'string') return { chars: b.content.length, tokens: 0 };
      let chars = 0;
      let tokens = 0;
      for (const c of b.content ?? []) {
        const r = blockCost(c);
        chars += r.chars;
        tokens += r.tokens;
      }
      return { chars, tokens };
    }
    case 'thinking':
      return { chars: b.thinking.length, tokens: 0 };
    case 'redacted_thinking':
      return { chars: 0, tokens: Math.ceil(b.data.length / 4) };
  }
}

export function estimateInputTokens(req: MessagesRequest): number {
  let chars = 0;
  let tokens = 0;
  if (typeof req.system === 'string') chars += req.system.length;
  else for (const s of req.system ?? []) chars += s.text.length;
  for (const t of req.tools ?? []) chars += t.name.length + (t.description?.length ?? 0) + JSON.stringify(t.input_schema).length;
  for (const m of req.messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else for (const b of m.content) {
      const r = blockCost(b);
      chars += r.chars;
      tokens += r.tokens;
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + tokens + req.messages.length * 3;
}
