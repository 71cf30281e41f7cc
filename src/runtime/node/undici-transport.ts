import { Agent } from 'undici';
import type { Transport } from '../../providers/transport/transport.ts';
import { UndiciCall } from './undici-call.ts';

/**
 * Node transport: one pooled undici Agent with keep-alive, driven through its dispatch API (a
 * handler object per call, undici-call.ts). `Agent.request` costs ~0.05 ms of CPU per upstream call
 * against ~0.3 ms for the global fetch (../shared/ecosystem.md); dispatch saves a further ~5 µs of
 * the ~100 µs Portico spends per JSON request (docs/benchmark.md).
 */
export function createUndiciTransport(options: { connections: number; keepAliveTimeoutMs?: number }): { transport: Transport; close(): Promise<void> } {
  const agent = new Agent({
    // 0 → no cap: each open stream needs its own socket, a cap would queue streams behind it.
    connections: options.connections > 0 ? options.connections : null,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    // No agent-wide timeouts: each request passes its own (TransportRequest.headersTimeoutMs /
    // bodyTimeoutMs; streams have none on the body, the service's idle timeout covers them).
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  // The provider calls one URL: parse it once, not per request.
  let lastUrl = '';
  let target = { origin: '', path: '' };
  const transport: Transport = (request) => {
    if (request.url !== lastUrl) {
      const url = new URL(request.url);
      target = { origin: url.origin, path: url.pathname + url.search };
      lastUrl = request.url;
    }
    const call = new UndiciCall(request.signal);
    // The dispatch API: no AsyncResource, body Readable or header object per call (undici-call.ts).
    agent.dispatch(
      {
        origin: target.origin,
        path: target.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        // undici's own timers (no AbortController per call): until the head, then per body gap.
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
      },
      call,
    );
    return call.head;
  };
  return { transport, close: () => agent.close() };
}
