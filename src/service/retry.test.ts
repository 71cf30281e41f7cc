import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../domain/errors.ts';
import { withRetries } from './retry.ts';

const policy = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 };

test('retries retryable upstream errors, then succeeds', async () => {
  let calls = 0;
  const retries: string[] = [];
  const result = await withRetries(
    async () => {
      calls++;
      if (calls < 3) throw new GatewayError('upstream_overloaded', 'Overloaded');
      return 'ok';
    },
    policy,
    new AbortController().signal,
    (error) => retries.push(error.code),
  );
  assert.equal(result, 'ok');
  assert.equal(calls, 3);
  assert.deepEqual(retries, ['upstream_overloaded', 'upstream_overloaded']);
});

test('gives up after maxRetries and rethrows the last error', async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(async () => {
      calls++;
      throw new GatewayError('upstream_server_error', 'boom');
    }, policy, new AbortController().signal),
    (error: unknown) => error instanceof GatewayError && error.code === 'upstream_server_error',
  );
  assert.equal(calls, 3);
});

test('never retries client errors, timeouts or a long retry-after', async () => {
  for (const error of [
    new GatewayError('upstream_invalid_request', 'bad'),
    new GatewayError('upstream_timeout', 'slow'),
    new GatewayError('upstream_rate_limited', 'later', { retryAfterSeconds: 120 }),
    new GatewayError('upstream_rate_limited', 'never', { headers: { 'x-should-retry': 'false' } }),
  ]) {
    let calls = 0;
    await assert.rejects(withRetries(async () => {
      calls++;
      throw error;
    }, policy, new AbortController().signal));
    assert.equal(calls, 1, error.message);
  }
});

test('honours a short retry-after', async () => {
  const delays: number[] = [];
  let calls = 0;
  await withRetries(
    async () => {
      if (calls++ === 0) throw new GatewayError('upstream_rate_limited', 'wait', { retryAfterSeconds: 0.01 });
      return 1;
    },
    policy,
    new AbortController().signal,
    (_error, delay) => delays.push(delay),
  );
  assert.deepEqual(delays, [10]);
});

test('jittered backoff stays under the exponential ceiling', async () => {
  const delays: number[] = [];
  let calls = 0;
  await withRetries(
    async () => {
      if (calls++ < 2) throw new GatewayError('upstream_unreachable', 'reset');
      return 1;
    },
    { maxRetries: 2, baseDelayMs: 4, maxDelayMs: 6 },
    new AbortController().signal,
    (_error, delay) => delays.push(delay),
    () => 0.999,
  );
  assert.deepEqual(delays, [4, 6]);
});
