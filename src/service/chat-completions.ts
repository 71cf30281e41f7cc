/**
 * POST /v1/chat/completions, as plain values in and out (no HTTP types):
 * authorize → translate → admit (limits, budget) → upstream (with retries, n-way fan-out) →
 * translate back → record usage (durably, before the client gets the last byte).
 *
 * Every request ends in exactly one ledger record, whatever happens: success, a client error,
 * an upstream fault, a client that went away.
 */
import { GatewayError, isGatewayError } from '../domain/errors.ts';
import { costOf } from '../domain/usage/pricing.ts';
import type { UsageRecord } from '../domain/usage/usage-record.ts';
import type { Message } from '../protocol/anthropic/messages.ts';
import type { ChatCompletion, CompletionUsage } from '../protocol/openai/chat-completion.ts';
import { formatAdjustmentsHeader, toAnthropicRequest, type TranslatedRequest } from '../translate/request/to-anthropic-request.ts';
import { mapUsage, sumUsage } from '../translate/response/map-usage.ts';
import { toChatCompletion } from '../translate/response/to-chat-completion.ts';
import { accumulateEvent, createMessageAccumulator, finishAccumulation } from '../translate/stream/accumulate-message.ts';
import type { ChatProvider, UpstreamMeta } from '../providers/chat-provider.ts';
import type { MessagesRequest } from '../protocol/anthropic/messages.ts';
import { openChatStream } from './chat-stream.ts';
import type { SseSource } from './sse-source.ts';
import type { Admission, Principal } from './governance.ts';
import { withRetries } from './retry.ts';
import type { ChatServiceDeps } from './service-deps.ts';
import type { CancelSignal } from '../domain/cancellation.ts';

export interface ChatCall {
  /** The raw Authorization header. */
  authorization: string | null;
  /** Reads and parses the JSON body (throws GatewayError: invalid_json, request_too_large). */
  readBody: () => Promise<unknown>;
  requestId: string;
  /** Unix ms when the request arrived. */
  receivedAt: number;
  /** Per-request strict mode (x-portico-strict header); undefined → the configured default. */
  strict: boolean | undefined;
  /** Aborts when the client goes away. */
  signal: CancelSignal;
}

export type ChatResult =
  | { kind: 'json'; body: ChatCompletion; headers: Record<string, string> }
  | { kind: 'stream'; body: SseSource; headers: Record<string, string> };

/** The part of a request's account known before the upstream answers. */
export interface RequestContext {
  call: ChatCall;
  /** null until authenticated; unauthenticated requests are logged and counted, not put in the ledger. */
  principal: Principal | null;
  body: unknown;
  translated: TranslatedRequest | null;
  admission: Admission | null;
  retries: number;
  /** Time spent waiting for the upstream, to tell Portico's own overhead apart. */
  upstreamWaitMs: number;
}

export const SYSTEM_FINGERPRINT = 'fp_portico';

export async function createChatCompletion(deps: ChatServiceDeps, call: ChatCall): Promise<ChatResult> {
  const context: RequestContext = { call, principal: null, body: null, translated: null, admission: null, retries: 0, upstreamWaitMs: 0 };
  try {
    const principal = await deps.governance.authenticate(call.authorization);
    context.principal = principal;
    context.body = await call.readBody();
    const translated = toAnthropicRequest(context.body, {
      catalog: deps.catalog,
      defaultModel: deps.settings.defaultModel,
      strict: call.strict ?? deps.settings.strict,
      maxTokensCap: deps.settings.maxTokensCap,
      cachePolicy: deps.settings.cachePolicy,
    });
    context.translated = translated;
    deps.governance.checkModel(principal, translated.requestedModel, translated.servedModel);
    context.admission = await deps.governance.admit(principal, {
      estimatedTokens: translated.estimatedInputTokens * translated.n + Math.min(translated.anthropic.max_tokens, 4096) * translated.n,
      upstreamCalls: translated.n,
    });
    const headers = responseHeaders(context);
    if (translated.stream) {
      const body = await openChatStream(deps, context);
      return { kind: 'stream', body, headers: Object.assign(headers, overheadHeader(deps, context)) };
    }
    const completion = await completeNonStreaming(deps, context);
    const cost = completion.usage.portico?.cost_usd ?? 0;
    return {
      kind: 'json',
      body: completion,
      // Appended in place (object spreads on this path made V8 keep and promote per-request objects; docs/benchmark.md).
      headers: Object.assign(headers, { 'x-portico-cost-usd': formatCost(cost) }, overheadHeader(deps, context)),
    };
  } catch (error) {
    if (!isGatewayError(error)) deps.telemetry.internalError(error, call.requestId);
    const failure = isGatewayError(error) ? error : new GatewayError('internal', 'The gateway failed to process the request.', { cause: error });
    if (failure.code === 'rate_limit_exceeded') deps.telemetry.rateLimited(failure.message.includes('token') ? 'tokens' : 'requests');
    if (failure.code === 'insufficient_quota') deps.telemetry.rateLimited('budget');
    // Adjustments and limit headers belong on error responses too (every response of a limited key).
    const limits =
      context.admission?.headers ??
      (context.principal && failure.code !== 'rate_limit_exceeded'
        ? await deps.governance.limitHeaders(context.principal).catch(() => ({}))
        : {});
    Object.assign(failure.headers, { ...limits, ...failure.headers }, context.translated ? adjustmentHeader(context.translated) : {});
    await settle(deps, context, {
      status: failure.status,
      errorCode: failure.code,
      cancelled: failure.code === 'client_closed_request',
      usage: null,
      rawUsage: null,
      ttftMs: null,
      upstreamRequestId: failure.upstreamRequestId ?? null,
    });
    throw failure;
  }
}

async function completeNonStreaming(deps: ChatServiceDeps, context: RequestContext): Promise<ChatCompletion> {
  const translated = context.translated!;
  // n > 1: one controller aborts the sibling calls when one fails. n = 1: the client's signal is enough.
  const upstream = translated.n > 1 ? new AbortController() : null;
  const relay = (): void => upstream?.abort();
  if (upstream) context.call.signal.addEventListener('abort', relay, { once: true });
  const signal = upstream?.signal ?? context.call.signal;
  const started = deps.clock();
  try {
    const choices = Array.from({ length: translated.n }, () => callUpstream(deps, context, signal));
    let messages: Array<{ message: Message; requestId: string | null }>;
    try {
      messages = await Promise.all(choices);
    } catch (error) {
      upstream?.abort(); // one choice failed: the others are wasted work
      throw error;
    } finally {
      context.upstreamWaitMs = deps.clock() - started;
    }
    const id = `chatcmpl-${deps.newId()}`;
    const created = Math.floor(context.call.receivedAt / 1000);
    const completions = messages.map(({ message }, index) =>
      toChatCompletion(message, {
        id,
        created,
        model: translated.requestedModel,
        choiceIndex: index,
        jsonToolName: translated.jsonToolName,
        systemFingerprint: SYSTEM_FINGERPRINT,
      }),
    );
    const usage = completions.map((completion) => completion.usage).reduce(sumUsage);
    const completion: ChatCompletion = completions[0]!; // fresh from toChatCompletion: completed in place
    if (completions.length > 1) completion.choices = completions.flatMap((c) => c.choices);
    completion.usage = usage;
    const cost = await settle(deps, context, {
      status: 200,
      errorCode: null,
      cancelled: false,
      usage,
      rawUsage: messages.map(({ message }) => message.usage),
      ttftMs: deps.clock() - context.call.receivedAt,
      upstreamRequestId: messages.map((m) => m.requestId).filter(Boolean).join(',') || null,
    });
    completion.usage = withCost(usage, cost);
    return completion;
  } finally {
    if (upstream) context.call.signal.removeEventListener('abort', relay);
  }
}

async function callUpstream(
  deps: ChatServiceDeps,
  context: RequestContext,
  signal: CancelSignal,
): Promise<{ message: Message; requestId: string | null }> {
  return withRetries(
    async () => {
      try {
        const request = context.translated!.anthropic;
        const { message, meta } =
          request.max_tokens > STREAM_UPSTREAM_ABOVE_MAX_TOKENS
            ? await createMessageViaStream(deps.provider, request, signal, deps.settings.streamIdleTimeoutMs)
            : await deps.provider.createMessage(request, signal);
        return { message, requestId: meta.requestId };
      } catch (error) {
        if (isGatewayError(error) && error.code !== 'client_closed_request') deps.telemetry.upstreamError(error.code);
        throw error;
      }
    },
    deps.settings.retry,
    signal,
    () => {
      context.retries++;
      deps.telemetry.retry();
    },
  ).catch((error: unknown) => {
    if (context.call.signal.aborted) throw new GatewayError('client_closed_request', 'The client closed the request.');
    throw error;
  });
}

/**
 * Above this max_tokens a non-streaming client request is streamed upstream and assembled here:
 * a connection silent for minutes gets cut by idle timeouts (the Anthropic SDKs refuse such
 * non-streaming calls for the same reason; protocol.md §6.9). A failure before message_stop is
 * still before the client's first byte, so it stays retryable.
 */
const STREAM_UPSTREAM_ABOVE_MAX_TOKENS = 21_333;

async function createMessageViaStream(
  provider: ChatProvider,
  request: MessagesRequest,
  signal: CancelSignal,
  idleTimeoutMs: number,
): Promise<{ message: Message; meta: UpstreamMeta }> {
  const { events, meta } = await provider.streamMessage(request, signal);
  const iterator = events[Symbol.asyncIterator]();
  const state = createMessageAccumulator();
  try {
    while (!state.done) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), idleTimeoutMs)));
      let result: IteratorResult<unknown> | 'idle';
      try {
        result = await Promise.race([iterator.next(), idle]);
      } catch (error) {
        if (isGatewayError(error)) throw error;
        if (signal.aborted) throw new GatewayError('client_closed_request', 'The client closed the request.');
        throw new GatewayError('upstream_unreachable', 'The upstream connection failed mid-stream.', { cause: error });
      } finally {
        clearTimeout(timer);
      }
      if (result === 'idle') throw new GatewayError('upstream_timeout', `The upstream sent nothing for ${idleTimeoutMs} ms.`);
      if (result.done) break;
      const failure = accumulateEvent(state, result.value as Parameters<typeof accumulateEvent>[1]);
      if (failure) throw failure;
    }
    return { message: finishAccumulation(state), meta };
  } finally {
    void iterator.return?.().catch(() => undefined);
  }
}

export interface SettleParts {
  status: number;
  errorCode: string | null;
  cancelled: boolean;
  usage: CompletionUsage | null;
  rawUsage: unknown;
  ttftMs: number | null;
  upstreamRequestId: string | null;
}

/** Writes the request's one ledger record (durable when this resolves) and reports it. Returns the cost. */
export async function settle(deps: ChatServiceDeps, context: RequestContext, parts: SettleParts): Promise<number> {
  const now = deps.clock();
  const usage = parts.usage ?? mapUsage(null);
  const x = usage.portico ?? mapUsage(null).portico!;
  const translated = context.translated;
  const servedModel = translated?.servedModel ?? '';
  const tokens = {
    inputTokens: x.input_tokens,
    cacheReadTokens: x.cache_read_input_tokens,
    cacheWrite5mTokens: x.cache_creation_5m_input_tokens,
    cacheWrite1hTokens: x.cache_creation_1h_input_tokens,
    outputTokens: x.output_tokens,
  };
  const costUsd = servedModel ? costOf(servedModel, tokens, deps.settings.prices) : 0;
  const principal = context.principal;
  const record: UsageRecord = {
    requestId: context.call.requestId,
    keyId: principal?.kind === 'key' ? principal.key.id : null,
    createdAt: Math.round(context.call.receivedAt),
    modelRequested: translated?.requestedModel ?? modelNameOf(context.body),
    modelServed: servedModel,
    inputTokens: tokens.inputTokens,
    cacheReadTokens: tokens.cacheReadTokens,
    cacheWrite5mTokens: tokens.cacheWrite5mTokens,
    cacheWrite1hTokens: tokens.cacheWrite1hTokens,
    outputTokens: tokens.outputTokens,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    costUsd,
    latencyMs: round2(now - context.call.receivedAt),
    ttftMs: parts.ttftMs === null ? null : round2(parts.ttftMs),
    status: parts.status,
    errorCode: parts.errorCode,
    cancelled: parts.cancelled,
    stream: translated?.stream ?? false,
    choices: translated?.n ?? 1,
    upstreamRequestId: parts.upstreamRequestId,
    rawUsage: parts.rawUsage,
  };
  if (principal) await deps.governance.settle(principal, context.admission, record);
  deps.telemetry.requestFinished(record, {
    route: '/v1/chat/completions',
    overheadMs: Math.max(0, record.latencyMs - context.upstreamWaitMs),
    adjustments: translated ? translated.adjustments.map((a: { field: string; action: string }) => `${a.field}:${a.action}`) : [],
    retries: context.retries,
    keyPrefix: principal?.kind === 'key' ? principal.key.prefix : null,
  });
  return costUsd;
}

export function withCost(usage: CompletionUsage, costUsd: number): CompletionUsage {
  if (!usage.portico) return usage;
  return Object.assign({}, usage, { portico: Object.assign({}, usage.portico, { cost_usd: roundCost(costUsd) }) });
}

function roundCost(cost: number): number {
  return Math.round(cost * 1e10) / 1e10;
}

export function formatCost(cost: number): string {
  return roundCost(cost).toFixed(10).replace(/0+$/, '').replace(/\.$/, '.0');
}

function responseHeaders(context: RequestContext): Record<string, string> {
  const translated = context.translated!;
  const headers: Record<string, string> = Object.assign({}, context.admission?.headers, adjustmentHeader(translated));
  headers['x-portico-model'] = translated.servedModel;
  return headers;
}

function adjustmentHeader(translated: TranslatedRequest): Record<string, string> {
  if (translated.adjustments.length === 0) return {};
  return { 'x-portico-adjustments': formatAdjustmentsHeader(translated.adjustments) };
}

function overheadHeader(deps: ChatServiceDeps, context: RequestContext): Record<string, string> {
  const elapsed = deps.clock() - context.call.receivedAt;
  return { 'x-portico-overhead-ms': Math.max(0, elapsed - context.upstreamWaitMs).toFixed(3) };
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function modelNameOf(body: unknown): string {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model.slice(0, 200) : '';
}
