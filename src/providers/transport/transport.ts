/**
 * How bytes reach the upstream. The provider is written against this tiny interface so the hot
 * path can use a pooled undici client on Node (several times cheaper per request than fetch)
 * while Workers use fetch. Translation never sees it.
 */
export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Lower-case header lookup. */
  header(name: string): string | null;
  /** The body as chunks; consume once. */
  body: AsyncIterable<Uint8Array>;
  text(limitBytes?: number): Promise<string>;
  /** Stop reading and release the connection (aborts a streaming upstream). */
  cancel(): void;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export async function readText(body: AsyncIterable<Uint8Array>, limitBytes = 4 * 1024 * 1024): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limitBytes) throw new RangeError(`upstream body exceeds ${limitBytes} bytes`);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
