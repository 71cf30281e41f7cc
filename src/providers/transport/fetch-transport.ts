import { readText, UpstreamTimeoutError, type Transport } from './transport.ts';

/**
 * Portable transport (Workers, Deno, browsers, Node): the global fetch. Timeouts with a controller
 * of its own (cost does not matter here): until the head, then for the whole text() read.
 */
export function createFetchTransport(fetchImpl: typeof fetch = fetch): Transport {
  return async (request) => {
    const controller = new AbortController();
    let timedOut: UpstreamTimeoutError | null = null;
    const relay = (): void => controller.abort(request.signal.reason);
    if (request.signal.aborted) relay();
    else request.signal.addEventListener('abort', relay, { once: true });
    const expire = (phase: 'headers' | 'body') => () => {
      timedOut = new UpstreamTimeoutError(phase);
      controller.abort(timedOut);
    };
    let timer = setTimeout(expire('headers'), request.headersTimeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', relay);
    };
    let response: Response;
    try {
      response = await fetchImpl(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
    } catch (error) {
      done();
      throw timedOut ?? error;
    }
    clearTimeout(timer);
    const body = response.body ?? emptyBody();
    return {
      status: response.status,
      header: (name) => response.headers.get(name),
      body: (async function* () {
        try {
          yield* body as unknown as AsyncIterable<Uint8Array>;
        } finally {
          done();
        }
      })(),
      text: async (limitBytes) => {
        if (request.bodyTimeoutMs > 0) timer = setTimeout(expire('body'), request.bodyTimeoutMs);
        try {
          return await readText(body as unknown as AsyncIterable<Uint8Array>, limitBytes);
        } catch (error) {
          throw timedOut ?? error;
        } finally {
          done();
        }
      },
      cancel: () => {
        done();
        body.cancel().catch(() => undefined);
      },
    };
  };
}

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
