import { GatewayError } from '../domain/errors.ts';

/**
 * Reads a JSON body with a hard byte cap (413 beyond it, checked on the declared length first and
 * then while streaming, so an oversized body is never buffered whole).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new GatewayError('invalid_json', 'The request body is empty; send a JSON object.');
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  const bytes = parts.length === 1 ? parts[0]! : concat(parts, size);
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? ` (${error.message})` : '';
    throw new GatewayError(
      'invalid_json',
      `We could not parse the JSON body of your request${detail}. The OpenAI API expects a JSON payload.`,
    );
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('request_too_large', `The request body exceeds the gateway's limit of ${maxBytes} bytes.`);
}
