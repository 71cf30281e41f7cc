/**
 * Cancellation without EventTarget: the part of AbortSignal the gateway uses (a real AbortSignal
 * fits this type: the Hono path and n > 1 pass theirs), and `Cancellation`, a plain implementation
 * for the Node entry's requests. Why: on Node 20 an AbortController, its signal and one listener
 * added and removed cost ~3.4 µs per request, against ~0.04 µs here (~3% of a JSON request's CPU;
 * docs/benchmark.md). The fetch transport relays into a real AbortController, which fetch needs.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | null = null;

  /** Listeners run once, on abort (so `once` holds whatever the option says). */
  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (this.aborted) return; // as EventTarget: the event already happened
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.listeners;
    if (listeners === null) return;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
  }

  /**
   * Marks the signal aborted and runs the listeners in the order they were added, as EventTarget
   * does: one removed by an earlier listener does not run, one that throws does not stop the others
   * (the first error is rethrown after all ran). Later calls do nothing.
   */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    if (listeners === null) return;
    let failure: { error: unknown } | null = null;
    for (const listener of listeners.slice()) {
      if (!listeners.includes(listener)) continue;
      try {
        listener();
      } catch (error) {
        failure ??= { error };
      }
    }
    this.listeners = null;
    if (failure !== null) throw failure.error;
  }
}
