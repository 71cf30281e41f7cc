/**
 * The streaming side of POST /v1/chat/completions: n upstream Anthropic streams (n = 1 almost
 * always) → the pure reducer per choice → OpenAI SSE bytes, pulled by the client (backpressure:
 * nothing is read from upstream faster than the client takes it; memory per stream is bounded).
 *
 * Guarantees (tested in test/e2e/faults.e2e.test.ts):
 * - Retries happen only while opening the upstream streams, before any byte reached the client.
 * - The ledger record is durable before the last bytes (`[DONE]`) are sent.
 * - An upstream `error` event, malformed SSE, a reset, an EOF without message_stop or an upstream
 *   silent past the idle timeout end the stream with an in-band OpenAI error payload and no
 *   finish_reason: never a clean finish.
 * - SSE comment keep-alives flow while the upstream is silent.
 * - The client going away aborts every upstream request at once and is recorded as cancelled,
 *   with the tokens produced until then.
 */
import { GatewayError, isGatewayError } from '../domain/errors.ts';
import type { StreamEvent } from '../protocol/anthropic/messages.ts';
import type { ChatCompletionChunk, CompletionUsage } from '../protocol/openai/chat-completion.ts';
import { encodeSseData, encodeSseError, SSE_DONE, SSE_KEEPALIVE } from '../sse/encode-sse.ts';
import { serializeChunk } from '../translate/stream/chunk.ts';
import { finishChunk, usageChunk } from '../translate/stream/finish-stream.ts';
import { reduceStreamEvent } from '../translate/stream/reduce-stream-event.ts';
import { createStreamState, type StreamState } from '../translate/stream/stream-state.ts';
import type { StreamStep } from '../translate/stream/stream-step.ts';
import { endOfStreamError, streamUsage } from '../translate/stream/stream-usage.ts';
import { sumUsage } from '../translate/response/map-usage.ts';
import type { ChatServiceDeps } from './service-deps.ts';
import { settle, SYSTEM_FINGERPRINT, withCost, type RequestContext } from './chat-completions.ts';
import { withRetries } from './retry.ts';
import type { BufferedIterator, EventFlow } from '../providers/chat-provider.ts';
import { SseOutput, type SseSource } from './sse-source.ts';

/** Upper bound on one coalesced write (bytes of SSE text, roughly). */
const COALESCE_LIMIT = 16 * 1024;

type Next = { choice: number; result: IteratorResult<StreamEvent> } | { choice: number; error: unknown };

export async function openChatStream(deps: ChatServiceDeps, context: RequestContext): Promise<SseSource> {
  const translated = context.translated!;
  const { call } = context;
  // n > 1: one controller stops every sibling at once (and follows the client). n = 1: the
  // client's signal is enough, and each body is stopped through its own cancel.
  const upstream = translated.n > 1 ? new AbortController() : null;
  const upstreamSignal = upstream?.signal ?? call.signal;
  const relay = (): void => upstream?.abort(UPSTREAM_NOT_NEEDED);
  if (upstream) call.signal.addEventListener('abort', relay, { once: true });

  const started = deps.clock();
  const opening = await Promise.allSettled(
    Array.from({ length: translated.n }, () =>
      withRetries(
        () => deps.provider.streamMessage(translated.anthropic, upstreamSignal),
        deps.settings.retry,
        upstreamSignal,
        (error) => {
          deps.telemetry.upstreamError(error.code);
          context.retries++;
          deps.telemetry.retry();
        },
      ),
    ),
  );
  context.upstreamWaitMs = deps.clock() - started;
  const failed = opening.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    upstream?.abort();
    for (const outcome of opening) if (outcome.status === 'fulfilled') void outcome.value.events[Symbol.asyncIterator]().return?.();
    if (upstream) call.signal.removeEventListener('abort', relay);
    const reason = (failed as PromiseRejectedResult).reason;
    if (call.signal.aborted) throw new GatewayError('client_closed_request', 'The client closed the request.');
    if (isGatewayError(reason) && reason.code !== 'client_closed_request') deps.telemetry.upstreamError(reason.code);
    throw reason;
  }
  const opened = opening.map((outcome) => (outcome as PromiseFulfilledResult<Awaited<ReturnType<typeof deps.provider.streamMessage>>>).value);
  const upstreamRequestId = opened.map((o) => o.meta.requestId).filter(Boolean).join(',') || null;

  const id = `chatcmpl-${deps.newId()}`;
  const created = Math.floor(call.receivedAt / 1000);
  const includeUsage = translated.includeUsage;
  const states: StreamState[] = opened.map((_, index) =>
    createStreamState({
      id,
      created,
      model: translated.requestedModel,
      includeUsage,
      choiceIndex: index,
      jsonToolName: translated.jsonToolName,
      systemFingerprint: SYSTEM_FINGERPRINT,
    }),
  );
  // n = 1 on a transport that can push (Node): events arrive per network read with no promise per
  // event. Otherwise (n > 1, fetch) the upstreams are pulled.
  const push = opened.length === 1 ? opened[0]!.subscribe : undefined;
  const iterators = push ? [] : opened.map((o) => o.events[Symbol.asyncIterator]());
  let flow: EventFlow | null = null;
  let paused = false;
  let bodyEnded = false;
  let drainTimer: ReturnType<typeof setTimeout> | null = null;
  const pending: Array<Promise<Next> | null> = iterators.map(() => null);
  const active = new Set(iterators.map((_, index) => index));
  /** Choices whose body is already being read to its end (n > 1, finished early). */
  const drained = new Set<number>();

  let ttftMs: number | null = null;
  let ended = false;
  let idleTimedOut = false;
  let lastUpstreamAt = deps.clock();
  let lastWriteAt = lastUpstreamAt;
  deps.telemetry.streamOpened();

  const tick = Math.max(1, Math.min(deps.settings.keepAliveMs, deps.settings.streamIdleTimeoutMs));
  const timer = setInterval(() => {
    const now = deps.clock();
    if (now - lastUpstreamAt >= deps.settings.streamIdleTimeoutMs) {
      idleTimedOut = true;
      // fail() cancels the upstream; a pull still waiting on it sees `ended` and stops.
      void fail(output, asGatewayError(null)).catch(internalFailure);
    } else if (now - lastWriteAt >= deps.settings.keepAliveMs) {
      lastWriteAt = now;
      output.enqueue(SSE_KEEPALIVE); // ignored once closed
    }
  }, tick);
  (timer as { unref?: () => void }).unref?.();

  /**
   * `finished`: every upstream sent message_stop. Then the rest of each body (the chunked-encoding
   * terminator) is read to its end so the keep-alive socket goes back to the pool; aborting it
   * would cost a new connection per stream. Otherwise (error, cancel) the upstreams are aborted.
   */
  function cleanup(finished = false): void {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    if (upstream) call.signal.removeEventListener('abort', relay);
    if (flow) {
      if (!finished) flow.cancel();
      else if (!bodyEnded) drainTimer = drainFlow(flow, paused);
    } else if (finished) {
      iterators.forEach((iterator, index) => drained.has(index) || drain(iterator, upstream));
    } else {
      upstream?.abort(UPSTREAM_NOT_NEEDED);
      for (const iterator of iterators) void iterator.return?.().catch(() => undefined);
    }
    deps.telemetry.streamClosed();
  }

  function usageSoFar(): { usage: CompletionUsage; raw: unknown[] } {
    const parts = states.map(streamUsage);
    return { usage: parts.map((p) => p.usage).reduce(sumUsage), raw: parts.map((p) => p.raw) };
  }

  function nextEvent(): Promise<Next> {
    if (iterators.length === 1) {
      return iterators[0]!.next().then(
        (result) => ({ choice: 0, result }),
        (error: unknown) => ({ choice: 0, error }),
      );
    }
    for (const index of active) {
      pending[index] ??= iterators[index]!.next().then(
        (result) => ({ choice: index, result }),
        (error: unknown) => ({ choice: index, error }),
      );
    }
    return Promise.race([...active].map((index) => pending[index]!));
  }

  function asGatewayError(error: unknown): GatewayError {
    if (idleTimedOut) {
      return new GatewayError('upstream_timeout', `The upstream sent nothing for ${deps.settings.streamIdleTimeoutMs} ms.`);
    }
    if (isGatewayError(error)) return error;
    return new GatewayError('upstream_unreachable', 'The upstream connection failed mid-stream.', { cause: error });
  }

  async function fail(controller: SseOutput, error: GatewayError): Promise<void> {
    const { usage, raw } = usageSoFar();
    cleanup();
    deps.telemetry.upstreamError(error.code);
    await settle(deps, context, { status: 200, errorCode: error.code, cancelled: false, usage, rawUsage: raw, ttftMs, upstreamRequestId });
    controller.finish(encodeSseError(error) + SSE_DONE);
  }

  /** `pendingText`: this choice's last chunks, sent together with the finish (one write). */
  async function complete(controller: SseOutput, finishedLast: number, pendingText = ''): Promise<void> {
    const { usage, raw } = usageSoFar();
    cleanup(true);
    const cost = await settle(deps, context, { status: 200, errorCode: null, cancelled: false, usage, rawUsage: raw, ttftMs, upstreamRequestId });
    const finalUsage = withCost(usage, cost);
    const last = states[finishedLast]!;
    const finish: ChatCompletionChunk = finishChunk(last);
    // Default mode: usage rides on the final chunk, as the seed shows. include_usage: OpenAI's
    // separate `choices: []` chunk, exactly once.
    let text = pendingText;
    if (includeUsage) {
      text += encodeSseData(serializeChunk(last, finish)) + encodeSseData(JSON.stringify(usageChunk(last.context, finalUsage)));
    } else {
      finish.usage = finalUsage;
      text += encodeSseData(serializeChunk(last, finish));
    }
    controller.finish(text + SSE_DONE);
  }

  /** A bug or a failed ledger write must still end the stream visibly broken (an in-band error and [DONE]), never truncated and never as a clean finish. */
  function internalFailure(error: unknown): Promise<void> {
    deps.telemetry.internalError(error, call.requestId);
    const failure = new GatewayError('internal', 'The gateway failed while streaming the response.', { cause: error });
    return (async () => {
      if (!ended) await fail(output, failure).catch(() => undefined);
      // Ignored if fail() already closed the output.
      output.finish(encodeSseError(failure) + SSE_DONE);
    })();
  }

  /** The client went away: stop the upstream now, bill what was produced. */
  async function cancelled(): Promise<void> {
    if (ended) return;
    const { usage, raw } = usageSoFar();
    cleanup();
    await settle(deps, context, {
      status: 200,
      errorCode: 'client_closed_request',
      cancelled: true,
      usage,
      rawUsage: raw,
      ttftMs,
      upstreamRequestId,
    });
  }

  const output: SseOutput = new SseOutput(
    push
      ? {
          // The reader caught up: let the upstream flow again.
          demand: () => {
            if (paused && flow && !ended) {
              paused = false;
              flow.resume();
            }
          },
          cancel: cancelled,
        }
      : {
          pull: () => pullEvents(output).catch(internalFailure),
          cancel: cancelled,
        },
  );
  if (push) flow = push({ events: guard(onBatch), end: guard<void>(onEnd), error: guard(onError) });
  return output;

  /** One argument, no rest parameters: this wraps the per-read callback (an array per call otherwise). */
  function guard<A>(handler: (arg: A) => void): (arg: A) => void {
    return (arg) => {
      try {
        handler(arg);
      } catch (error) {
        void internalFailure(error);
      }
    };
  }

  /**
   * Reduces events while `next` has one that is already here, stopping at an error, the end, or
   * COALESCE_LIMIT of text: one run becomes one write, and nothing waits to batch. Records the
   * time of the first content. Shared by both modes.
   */
  function translateRun(state: StreamState, next: () => StreamEvent | undefined): { text: string; step: StreamStep | null } {
    let text = '';
    let step: StreamStep | null = null;
    let sawContent = false;
    for (let event = next(); event !== undefined; event = next()) {
      step = reduceStreamEvent(state, event);
      for (const chunk of step.chunks) text += encodeSseData(serializeChunk(state, chunk));
      if (!sawContent && ttftMs === null && step.chunks.length > 0) sawContent = hasContent(step.chunks);
      if (step.error || step.done || text.length >= COALESCE_LIMIT) break;
    }
    if (sawContent) ttftMs = deps.clock() - call.receivedAt;
    return { text, step };
  }

  /** An upstream body that ended: the error it ended with, if message_stop never came (or it went idle). */
  function endOfBodyError(state: StreamState): GatewayError | null {
    return endOfStreamError(state) ?? (idleTimedOut ? asGatewayError(null) : null);
  }

  /** Push mode: the events of one network read. */
  function onBatch(batch: StreamEvent[]): void {
    if (ended) return;
    lastUpstreamAt = deps.clock();
    const state = states[0]!;
    let i = 0;
    while (i < batch.length) {
      const { text, step } = translateRun(state, () => batch[i++]);
      if (step?.error) {
        if (text) output.enqueue(text);
        void fail(output, step.error).catch(internalFailure);
        return;
      }
      if (step?.done) {
        void complete(output, 0, text).catch(internalFailure);
        return;
      }
      if (text) {
        output.enqueue(text);
        lastWriteAt = lastUpstreamAt;
      }
    }
    // The client reads slower than the upstream writes: stop reading upstream (bounded memory).
    if (output.backlog > PAUSE_ABOVE_BACKLOG && !paused) {
      paused = true;
      flow!.pause();
    }
  }

  function bodyDone(): void {
    bodyEnded = true;
    if (drainTimer !== null) clearTimeout(drainTimer); // drained: nothing to give up on
  }

  function onEnd(): void {
    bodyDone();
    if (ended) return;
    const error = endOfBodyError(states[0]!);
    if (error) void fail(output, error).catch(internalFailure);
    else void complete(output, 0).catch(internalFailure);
  }

  function onError(error: unknown): void {
    bodyDone();
    if (!ended) void upstreamFailed(error).catch(internalFailure);
  }

  /** A failed upstream read: a cancellation when the client's leaving aborted it, an in-band error otherwise. */
  function upstreamFailed(error: unknown): Promise<void> {
    return call.signal.aborted ? cancelled() : fail(output, asGatewayError(error));
  }

  async function pullEvents(controller: SseOutput): Promise<void> {
    // Loop until something was enqueued: a pull that enqueues nothing is not called again.
    while (!ended) {
      const next = await nextEvent();
      if (ended) return;
      lastUpstreamAt = deps.clock();
      if ('error' in next) return upstreamFailed(next.error);
      const { choice, result } = next;
      pending[choice] = null;
      const state = states[choice]!;
      if (result.done) {
        const error = endOfBodyError(state);
        if (error) return fail(controller, error);
        active.delete(choice);
        if (active.size === 0) return complete(controller, choice);
        continue;
      }
      // Coalesce: events that arrived in the same network read go out in one write.
      const iterator = iterators[choice] as BufferedIterator;
      let first: StreamEvent | undefined = result.value;
      const { text, step } = translateRun(state, () => {
        const event = first ?? iterator.takeBuffered?.();
        first = undefined;
        return event;
      });
      if (step?.error) {
        if (text) controller.enqueue(text);
        return fail(controller, step.error);
      }
      if (step?.done) {
        active.delete(choice);
        if (active.size === 0) return complete(controller, choice, text);
        if (text) controller.enqueue(text);
        // Another choice is still streaming: this one's finish chunk goes out now.
        controller.enqueue(encodeSseData(serializeChunk(state, finishChunk(state))));
        // Read the rest of its body (after message_stop) so its socket can be reused.
        drained.add(choice);
        drain(iterators[choice]!, null);
        lastWriteAt = deps.clock();
        return;
      }
      if (text) {
        controller.enqueue(text);
        lastWriteAt = lastUpstreamAt;
        return;
      }
    }
  }
}

/** Queued SSE text (characters) above which a pushing upstream is paused until the client catches up. */
const PAUSE_ABOVE_BACKLOG = 64 * 1024;

/** Push mode after message_stop: let the body run to its end (socket reuse); give up after a second. */
function drainFlow(flow: EventFlow, paused: boolean): ReturnType<typeof setTimeout> {
  if (paused) flow.resume();
  const giveUp = setTimeout(() => flow.cancel(), 1000);
  (giveUp as { unref?: () => void }).unref?.();
  return giveUp;
}

/** A fixed abort reason: `abort()` without one builds a DOMException (and its stack) every time. */
const UPSTREAM_NOT_NEEDED = Object.freeze(new Error('upstream no longer needed'));

/** Reads an upstream body to its end in the background; gives up (aborting) after a second. */
function drain(iterator: AsyncIterator<StreamEvent>, upstream: AbortController | null): void {
  const giveUp = setTimeout(() => {
    upstream?.abort(UPSTREAM_NOT_NEEDED);
    void iterator.return?.().catch(() => undefined);
  }, 1000);
  (giveUp as { unref?: () => void }).unref?.();
  void (async () => {
    try {
      for (;;) if ((await iterator.next()).done) break;
    } catch {
      // already aborted or broken: nothing to give back to the pool
    } finally {
      clearTimeout(giveUp);
    }
  })();
}

function hasContent(chunks: ChatCompletionChunk[]): boolean {
  for (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta;
    if (delta && ((delta.content !== undefined && delta.content !== '' && delta.content !== null) || delta.tool_calls || delta.reasoning_content)) return true;
  }
  return false;
}
