/**
 * The Anthropic Messages API behind the ChatProvider interface. Owns: headers, timeouts until the
 * response starts, turning non-200 answers and network failures into GatewayErrors. It never
 * retries (the service does, before the first byte reaches the client) and never logs secrets.
 *
 * @see ../shared/protocol.md §3.1 (headers), §4.3 (errors), §6.7 (mapping)
 */
import type { Secret } from '../../config/secret.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { Message, MessagesRequest, StreamEvent } from '../../protocol/anthropic/messages.ts';
import { AnthropicEventParser, decodeAnthropicEvents } from '../../sse/decode-anthropic-events.ts';
import { mapUpstreamError } from '../../translate/error/map-upstream-error.ts';
import type { BufferedIterator, ChatProvider, EventFlow, EventSink, OpenedStream, UpstreamMeta } from '../chat-provider.ts';
import { UpstreamTimeoutError, type Transport, type TransportResponse } from '../transport/transport.ts';
import type { CancelSignal } from '../../domain/cancellation.ts';

export interface AnthropicProviderOptions {
  baseUrl: string;
  apiKey: Secret | null;
  version: string;
  transport: Transport;
  /** Non-stream: the whole call. Stream: until response headers. */
  timeoutMs: number;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ChatProvider {
  const url = `${options.baseUrl}/v1/messages`;

  /**
   * Timeouts are the transport's (no deadline AbortController per call): the head within timeoutMs;
   * for a non-streaming call also no body gap longer than that. The client's signal goes straight
   * to the transport and cancels the call at any stage.
   */
  async function send(request: MessagesRequest, signal: CancelSignal, accept: string, stream: boolean): Promise<TransportResponse> {
    if (options.apiKey === null) {
      throw new GatewayError(
        'upstream_not_configured',
        'The gateway has no upstream credential: set ANTHROPIC_API_KEY on the Portico server.',
      );
    }
    if (signal.aborted) throw clientClosed();
    try {
      return await options.transport({
        url,
        headers: {
          'x-api-key': options.apiKey.reveal(),
          'anthropic-version': options.version,
          'content-type': 'application/json',
          accept,
        },
        body: JSON.stringify(request),
        signal,
        headersTimeoutMs: options.timeoutMs,
        bodyTimeoutMs: stream ? 0 : options.timeoutMs,
      });
    } catch (error) {
      throw networkError(error, signal, options.timeoutMs);
    }
  }

  async function failIfNotOk(response: TransportResponse): Promise<void> {
    if (response.status === 200) return;
    let body: unknown;
    try {
      const text = await response.text(1024 * 1024);
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } catch {
      body = null;
    }
    throw mapUpstreamError(response.status, body, headersOf(response));
  }

  return {
    async createMessage(request, signal) {
      const response = await send(request, signal, 'application/json', false);
      const meta = metaOf(response);
      await failIfNotOk(response);
      let text: string;
      try {
        text = await response.text(64 * 1024 * 1024);
      } catch (error) {
        throw networkError(error, signal, options.timeoutMs);
      }
      let message: Message;
      try {
        message = JSON.parse(text) as Message;
      } catch {
        throw new GatewayError('upstream_protocol_error', 'The upstream returned a body that is not valid JSON.', {
          upstreamRequestId: meta.requestId ?? undefined,
        });
      }
      if (message === null || typeof message !== 'object' || !Array.isArray(message.content)) {
        throw new GatewayError('upstream_protocol_error', 'The upstream returned an unexpected message shape.');
      }
      return { message, meta };
    },

    async streamMessage(request, signal) {
      const response = await send({ ...request, stream: true }, signal, 'text/event-stream', true);
      await failIfNotOk(response);
      const meta = metaOf(response);
      const contentType = response.header('content-type') ?? '';
      if (!contentType.includes('text/event-stream')) {
        response.cancel();
        throw new GatewayError('upstream_protocol_error', `The upstream answered a stream request with content-type "${contentType}".`, {
          upstreamRequestId: meta.requestId ?? undefined,
        });
      }
      const events = decodeAnthropicEvents(response.body);
      const opened: OpenedStream = { events: releasing(events, response), meta };
      if (response.subscribe) opened.subscribe = (sink) => subscribeEvents(response, sink);
      return opened;
    },
  };
}


function clientClosed(): GatewayError {
  return new GatewayError('client_closed_request', 'The client closed the request.');
}

function networkError(error: unknown, signal: CancelSignal, timeoutMs: number): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof UpstreamTimeoutError) {
    return new GatewayError('upstream_timeout', `The upstream did not answer within ${timeoutMs} ms.`);
  }
  if (signal.aborted) return clientClosed();
  const code = (error as { code?: string } | null)?.code ?? (error as { cause?: { code?: string } } | null)?.cause?.code;
  return new GatewayError('upstream_unreachable', `Could not reach the upstream${code ? ` (${code})` : ''}.`, { cause: error });
}

function metaOf(response: TransportResponse): UpstreamMeta {
  return { status: response.status, requestId: response.header('request-id') };
}

function headersOf(response: TransportResponse): Headers {
  const headers = new Headers();
  for (const name of UPSTREAM_HEADERS_OF_INTEREST) {
    const value = response.header(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

const UPSTREAM_HEADERS_OF_INTEREST = [
  'request-id',
  'retry-after',
  'x-should-retry',
  'anthropic-ratelimit-requests-limit',
  'anthropic-ratelimit-requests-remaining',
  'anthropic-ratelimit-requests-reset',
  'anthropic-ratelimit-tokens-limit',
  'anthropic-ratelimit-tokens-remaining',
  'anthropic-ratelimit-tokens-reset',
  'anthropic-ratelimit-input-tokens-limit',
  'anthropic-ratelimit-input-tokens-remaining',
  'anthropic-ratelimit-input-tokens-reset',
  'anthropic-ratelimit-output-tokens-limit',
  'anthropic-ratelimit-output-tokens-remaining',
  'anthropic-ratelimit-output-tokens-reset',
];

/** Wraps the event iterator so that finishing or abandoning it releases the upstream connection. */
function releasing(events: AsyncIterable<StreamEvent>, response: TransportResponse): AsyncIterable<StreamEvent> {
  return {
    [Symbol.asyncIterator](): BufferedIterator {
      const iterator = events[Symbol.asyncIterator]();
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        response.cancel();
      };
      return {
        takeBuffered: () => (finished ? undefined : (iterator as BufferedIterator).takeBuffered?.()),
        async next() {
          try {
            const result = await iterator.next();
            if (result.done) finish();
            return result;
          } catch (error) {
            finish();
            throw error;
          }
        },
        async return() {
          finish();
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/**
 * Push mode: body chunks → the same parser the iterator uses → the sink, one call per network
 * read. Ending, failing or cancelling releases the connection.
 */
function subscribeEvents(response: TransportResponse, sink: EventSink): EventFlow {
  const parser = new AnthropicEventParser();
  let finished = false;
  const finish = (): boolean => {
    if (finished) return false;
    finished = true;
    return true;
  };
  const deliver = (): void => {
    if (parser.events.length === 0) return;
    const batch = parser.events;
    parser.events = [];
    sink.events(batch);
  };
  const failIfMalformed = (): boolean => {
    if (parser.failure === null || finished) return false;
    finish();
    response.cancel(); // nothing after a framing error can be trusted
    sink.error(parser.failure);
    return true;
  };
  const flow = response.subscribe!({
    data(chunk) {
      if (finished) return;
      parser.feed(chunk);
      deliver(); // events before a framing error still count
      failIfMalformed();
    },
    end() {
      if (finished) return;
      parser.end();
      deliver();
      if (failIfMalformed() || !finish()) return;
      response.cancel();
      sink.end();
    },
    error(error) {
      if (!finish()) return;
      sink.error(error);
    },
  });
  return {
    pause: () => flow.pause(),
    resume: () => flow.resume(),
    cancel: () => {
      finish();
      response.cancel();
    },
  };
}
