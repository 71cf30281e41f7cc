/**
 * POST /v1/chat/completions as an HTTP exchange in plain values: the service's result or error →
 * status, headers and body. Shared by the Hono app (which wraps it in a Web Response) and the
 * Node entry's direct path (which writes it to the ServerResponse without building Web objects:
 * the hottest route pays for no Request/Response/Headers conversions; docs/benchmark.md).
 */
import { GatewayError, isGatewayError } from '../domain/errors.ts';
import { createChatCompletion } from '../service/chat-completions.ts';
import type { ChatServiceDeps } from '../service/service-deps.ts';
import type { SseSource } from '../service/sse-source.ts';
import { renderError, type PlainResponse } from './error-response.ts';
import type { CancelSignal } from '../domain/cancellation.ts';

export interface ChatExchange {
  requestId: string;
  /** The raw Authorization header. */
  authorization: string | null;
  /** The raw x-portico-strict header. */
  strict: string | null;
  /** Reads and parses the JSON body (throws GatewayError: invalid_json, request_too_large). */
  readBody: () => Promise<unknown>;
  /** Aborts when the client goes away. */
  signal: CancelSignal;
}

export type ChatAnswer =
  | ({ kind: 'plain' } & PlainResponse)
  | { kind: 'stream'; status: 200; headers: Record<string, string>; body: SseSource };

export interface ChatEndpointDeps {
  chat: ChatServiceDeps;
  /** Counts in-flight chat requests (paired with the service's requestFinished). */
  requestStarted: (route: string) => void;
}

export type ChatEndpoint = (exchange: ChatExchange) => Promise<ChatAnswer>;

const ROUTE = '/v1/chat/completions';

export function createChatEndpoint(deps: ChatEndpointDeps): ChatEndpoint {
  return async (exchange) => {
    const receivedAt = deps.chat.clock();
    deps.requestStarted(ROUTE);
    try {
      const result = await createChatCompletion(deps.chat, {
        authorization: exchange.authorization,
        readBody: exchange.readBody,
        requestId: exchange.requestId,
        receivedAt,
        strict: strictHeader(exchange.strict),
        signal: exchange.signal,
      });
      const headers = result.headers;
      headers['openai-version'] = '2020-10-01';
      headers['x-request-id'] = exchange.requestId;
      if (result.kind === 'json') {
        headers['content-type'] = 'application/json';
        return { kind: 'plain', status: 200, headers, body: JSON.stringify(result.body) };
      }
      headers['content-type'] = 'text/event-stream; charset=utf-8';
      headers['cache-control'] = 'no-cache';
      headers['x-accel-buffering'] = 'no';
      return { kind: 'stream', status: 200, headers, body: result.body };
    } catch (error) {
      // The service turns every failure into a GatewayError (and logs bugs); anything else here is ours.
      const failure = isGatewayError(error) ? error : new GatewayError('internal', 'The gateway hit an unexpected error. It has been logged.');
      return { kind: 'plain', ...renderError(failure, { 'x-request-id': exchange.requestId }) };
    }
  };
}

function strictHeader(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}
