import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapStreamErrorEvent, mapUpstreamError, redactSecrets } from './map-upstream-error.ts';

function anthropic(type: string, message: string, requestId = 'req_body_1'): unknown {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

describe('mapUpstreamError (protocol.md §6.7)', () => {
  const rows: Array<[number, string, string, number]> = [
    [400, 'invalid_request_error', 'upstream_invalid_request', 400],
    [401, 'authentication_error', 'upstream_authentication_failed', 502],
    [402, 'billing_error', 'upstream_billing_error', 502],
    [403, 'permission_error', 'upstream_permission_denied', 502],
    [404, 'not_found_error', 'upstream_model_not_found', 404],
    [408, 'timeout_error', 'upstream_timeout', 504],
    [413, 'request_too_large', 'upstream_request_too_large', 413],
    [429, 'rate_limit_error', 'upstream_rate_limited', 429],
    [500, 'api_error', 'upstream_server_error', 502],
    [502, 'api_error', 'upstream_server_error', 502],
    [503, 'api_error', 'upstream_server_error', 502],
    [504, 'timeout_error', 'upstream_timeout', 504],
    [529, 'overloaded_error', 'upstream_overloaded', 503],
    [409, 'conflict_error', 'upstream_invalid_request', 400],
    [422, 'invalid_request_error', 'upstream_invalid_request', 400],
  ];
  for (const [status, type, code, gatewayStatus] of rows) {
    it(`${status} ${type} -> ${code} (HTTP ${gatewayStatus})`, () => {
      const error = mapUpstreamError(status, anthropic(type, 'boom'), new Headers());
      assert.equal(error.code, code);
      assert.equal(error.status, gatewayStatus);
      assert.equal(error.upstreamStatus, status);
    });
  }

  it('carries the 400 message through', () => {
    const error = mapUpstreamError(400, anthropic('invalid_request_error', 'max_tokens: Field required'), new Headers());
    assert.equal(error.message, 'max_tokens: Field required');
    assert.equal(error.param, null);
  });

  it('prompt is too long -> context_length_exceeded with param messages', () => {
    const error = mapUpstreamError(400, anthropic('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), new Headers());
    assert.equal(error.code, 'context_length_exceeded');
    assert.equal(error.param, 'messages');
    assert.equal(error.toBody().error.code, 'context_length_exceeded');
    assert.match(error.message, /prompt is too long/);
  });

  it('401/402/403 never forward the upstream message and never look like the client key failing', () => {
    for (const status of [401, 402, 403]) {
      const error = mapUpstreamError(status, anthropic('authentication_error', 'invalid x-api-key sk-ant-api03-SECRETSECRET'), new Headers());
      assert.doesNotMatch(error.message, /sk-ant|x-api-key/);
      assert.notEqual(error.toBody().error.code, 'invalid_api_key');
      assert.equal(error.status, 502);
    }
  });

  it('redacts key-like strings from forwarded messages', () => {
    const error = mapUpstreamError(400, anthropic('invalid_request_error', 'bad header x-api-key: sk-ant-api03-abcDEF_123-xyz'), new Headers());
    assert.equal(error.message, 'bad header x-api-key: sk-ant-***');
    assert.equal(redactSecrets('Authorization: Bearer abcdefghijklmnop'), 'Authorization: Bearer ***');
  });

  it('429: retry-after seconds, anthropic-ratelimit-* as x-ratelimit-*, request id from the header', () => {
    const headers = new Headers({
      'retry-after': '17',
      'request-id': 'req_header_9',
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2026-12-01T09:00:00Z',
      'anthropic-ratelimit-tokens-limit': '80000',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'anthropic-ratelimit-tokens-reset': '2026-12-01T09:00:05Z',
      'anthropic-ratelimit-input-tokens-limit': '40000',
      'anthropic-ratelimit-output-tokens-remaining': '8000',
      'x-api-key': 'sk-ant-never',
    });
    const error = mapUpstreamError(429, anthropic('rate_limit_error', 'Number of requests has exceeded your per-minute rate limit'), headers);
    assert.equal(error.code, 'upstream_rate_limited');
    assert.equal(error.retryAfterSeconds, 17);
    assert.equal(error.upstreamRequestId, 'req_header_9');
    assert.deepEqual(error.headers, {
      'retry-after': '17',
      'x-ratelimit-limit-requests': '50',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '2026-12-01T09:00:00Z',
      'x-ratelimit-limit-tokens': '80000',
      'x-ratelimit-remaining-tokens': '1000',
      'x-ratelimit-reset-tokens': '2026-12-01T09:00:05Z',
      'x-ratelimit-limit-input-tokens': '40000',
      'x-ratelimit-remaining-output-tokens': '8000',
    });
    assert.ok(error.retryable);
  });

  it('429 without retry-after (spend cap) has no retryAfterSeconds; an HTTP-date is forwarded raw only', () => {
    assert.equal(mapUpstreamError(429, anthropic('rate_limit_error', 'cap'), new Headers()).retryAfterSeconds, undefined);
    const dated = mapUpstreamError(429, anthropic('rate_limit_error', 'x'), new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }));
    assert.equal(dated.retryAfterSeconds, undefined);
    assert.equal(dated.headers['retry-after'], 'Wed, 21 Oct 2026 07:28:00 GMT');
    assert.equal(mapUpstreamError(429, anthropic('rate_limit_error', 'x'), new Headers({ 'retry-after': '1.2' })).retryAfterSeconds, 2);
  });

  it('529 honours retry-after; 400 ignores it', () => {
    const overloaded = mapUpstreamError(529, anthropic('overloaded_error', 'Overloaded'), new Headers({ 'retry-after': '5' }));
    assert.equal(overloaded.retryAfterSeconds, 5);
    assert.equal(overloaded.headers['retry-after'], '5');
    assert.match(overloaded.message, /Overloaded/);
    const bad = mapUpstreamError(400, anthropic('invalid_request_error', 'x'), new Headers({ 'retry-after': '5' }));
    assert.equal(bad.retryAfterSeconds, undefined);
    assert.deepEqual(bad.headers, {});
  });

  it('request id falls back to body.request_id', () => {
    assert.equal(mapUpstreamError(500, anthropic('api_error', 'Internal server error', 'req_b'), new Headers()).upstreamRequestId, 'req_b');
    assert.equal(mapUpstreamError(500, {}, new Headers()).upstreamRequestId, undefined);
  });

  it('non-JSON bodies: the text is the message (trimmed, capped); unknown shapes get a generic message', () => {
    const html = mapUpstreamError(502, '  <html>Bad Gateway</html>\n', new Headers());
    assert.equal(html.code, 'upstream_server_error');
    assert.equal(html.message, 'Upstream server error (HTTP 502): <html>Bad Gateway</html>');
    assert.ok(mapUpstreamError(500, 'x'.repeat(5000), new Headers()).message.length < 2100);
    assert.equal(mapUpstreamError(404, null, new Headers()).message, 'Upstream rejected the request (HTTP 404).');
    assert.equal(mapUpstreamError(500, 42, new Headers()).message, 'Upstream server error (HTTP 500).');
  });

  it('unlisted statuses use error.type, then the status class', () => {
    assert.equal(mapUpstreamError(418, anthropic('overloaded_error', 'x'), new Headers()).code, 'upstream_overloaded');
    assert.equal(mapUpstreamError(418, {}, new Headers()).code, 'upstream_invalid_request');
    assert.equal(mapUpstreamError(599, {}, new Headers()).code, 'upstream_server_error');
  });
});

describe('mapStreamErrorEvent', () => {
  const rows: Array<[string, string]> = [
    ['overloaded_error', 'upstream_overloaded'],
    ['api_error', 'upstream_server_error'],
    ['rate_limit_error', 'upstream_rate_limited'],
    ['timeout_error', 'upstream_timeout'],
    ['invalid_request_error', 'upstream_invalid_request'],
    ['authentication_error', 'upstream_authentication_failed'],
    ['billing_error', 'upstream_billing_error'],
    ['permission_error', 'upstream_permission_denied'],
    ['not_found_error', 'upstream_model_not_found'],
    ['request_too_large', 'upstream_request_too_large'],
    ['brand_new_error', 'upstream_server_error'],
  ];
  for (const [type, code] of rows) {
    it(`${type} -> ${code}`, () => assert.equal(mapStreamErrorEvent({ type, message: 'm' }).code, code));
  }
  it('keeps the upstream message verbatim, falls back when empty', () => {
    assert.deepEqual(mapStreamErrorEvent({ type: 'overloaded_error', message: 'Overloaded' }).toBody(), {
      error: { message: 'Overloaded', type: 'service_unavailable_error', param: null, code: 'server_is_overloaded' },
    });
    assert.equal(mapStreamErrorEvent({ type: 'api_error', message: '' }).message, 'Upstream stream error (api_error).');
  });
  it('prompt is too long mid-stream -> context_length_exceeded', () => {
    assert.equal(mapStreamErrorEvent({ type: 'invalid_request_error', message: 'prompt is too long: 1 > 0' }).code, 'context_length_exceeded');
  });
});
