import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cancellation, type CancelSignal } from './cancellation.ts';

describe('Cancellation', () => {
  it('runs each listener once, in order, on the first abort, and keeps the reason', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    cancel.addEventListener('abort', () => calls.push('a'));
    cancel.addEventListener('abort', () => calls.push('b'), { once: true });
    assert.equal(cancel.aborted, false);
    const reason = new Error('client left');
    cancel.abort(reason);
    cancel.abort(new Error('again'));
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(cancel.aborted, true);
    assert.equal(cancel.reason, reason);
  });

  it('a removed listener does not run, also when an earlier listener removes it; one added after the abort never runs', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    const gone = (): void => void calls.push('gone');
    const later = (): void => void calls.push('later');
    cancel.addEventListener('abort', gone);
    cancel.removeEventListener('abort', gone);
    cancel.addEventListener('abort', () => {
      calls.push('first');
      cancel.removeEventListener('abort', later);
    });
    cancel.addEventListener('abort', later);
    cancel.abort('x');
    cancel.addEventListener('abort', () => calls.push('after'));
    assert.deepEqual(calls, ['first']);
  });

  it('a listener that throws does not stop the others; the first error reaches the caller', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    cancel.addEventListener('abort', () => {
      throw new Error('boom');
    });
    cancel.addEventListener('abort', () => calls.push('second'));
    assert.throws(() => cancel.abort('x'), /boom/);
    assert.deepEqual(calls, ['second']);
  });

  it('behaves like an AbortSignal for the code that takes either', () => {
    const run = (signal: CancelSignal, abort: (reason: unknown) => void): unknown[] => {
      const seen: unknown[] = [];
      const listener = (): void => void seen.push(signal.reason);
      signal.addEventListener('abort', listener, { once: true });
      abort('why');
      abort('again');
      seen.push(signal.aborted);
      return seen;
    };
    const controller = new AbortController();
    const own = new Cancellation();
    assert.deepEqual(
      run(own, (reason) => own.abort(reason)),
      run(controller.signal, (reason) => controller.abort(reason)),
    );
  });
});
