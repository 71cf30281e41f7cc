import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../domain/errors.ts';
import { encodeSseData, encodeSseError, SSE_DONE, SSE_KEEPALIVE } from './encode-sse.ts';

describe('encode-sse', () => {
  it('frames JSON as one data event', () => {
    assert.equal(encodeSseData('{"a":1}'), 'data: {"a":1}\n\n');
  });
  it('has the OpenAI terminator and a comment keep-alive', () => {
    assert.equal(SSE_DONE, 'data: [DONE]\n\n');
    assert.equal(SSE_KEEPALIVE, ': keep-alive\n\n');
    assert.ok(SSE_KEEPALIVE.startsWith(':'), 'SSE comment lines start with a colon');
  });
  it('encodes a GatewayError as the in-band OpenAI error event', () => {
    const error = new GatewayError('upstream_overloaded', 'Overloaded');
    assert.equal(
      encodeSseError(error),
      'data: {"error":{"message":"Overloaded","type":"service_unavailable_error","param":null,"code":"server_is_overloaded"}}\n\n',
    );
  });
});
