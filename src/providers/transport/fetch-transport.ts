import { readText, type Transport } from './transport.ts';

/** Portable transport (Workers, Deno, browsers, Node): the global fetch. */
export function createFetchTransport(fetchImpl: typeof fetch = fetch): Transport {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    const body = response.body ?? emptyBody();
    return {
      status: response.status,
      header: (name) => response.headers.get(name),
      body: body as unknown as AsyncIterable<Uint8Array>,
      text: (limitBytes) => readText(body as unknown as AsyncIterable<Uint8Array>, limitBytes),
      cancel: () => {
        body.cancel().catch(() => undefined);
      },
    };
  };
}

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
