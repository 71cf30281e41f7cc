import { GatewayError } from '../domain/errors.ts';

/**
 * Reads a JSON body with a hard byte cap (413 beyond it, checked on the declared length first and
 * then while streaming, so an oversized body is never buffered whole).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  let bytes: Uint8Array;
  try {
    // Declared and within the cap: read it whole (on Node the adapter reads the socket directly,
    // without building a web stream). Runtimes enforce the declared length.
    bytes = Number.isFinite(declared) ? new Uint8Array(await request.arrayBuffer()) : await readCapped(request, maxBytes);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    if (request.signal.aborted) throw new GatewayError('client_closed_request', 'The client closed the request while sending it.');
    throw new GatewayError('invalid_json', 'The request body could not be read completely.');
  }
  return parseJsonBody(bytes);
}

/** Chunked upload of unknown length: stream it, stopping at the cap. */
async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
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
  return parts.length === 1 ? parts[0]! : concat(parts, size);
}

/** Bytes → the parsed JSON body, or the client-facing 400 (shared by every runtime's body reader). */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
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

const decoder = new TextDecoder();

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('request_too_large', `The request body exceeds the gateway's limit of ${maxBytes} bytes.`);
}
