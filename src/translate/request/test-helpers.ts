/** Shared fixtures for the request-translation unit tests. */
import assert from 'node:assert/strict';
import { isGatewayError, type ErrorCode } from '../../domain/errors.ts';
import { createModelCatalog } from '../../domain/models/model-catalog.ts';
import { toAnthropicRequest, type TranslateOptions, type TranslatedRequest } from './to-anthropic-request.ts';

export const catalog = createModelCatalog();

export function translate(body: Record<string, unknown>, options: Partial<TranslateOptions> = {}): TranslatedRequest {
  return toAnthropicRequest(body, {
    catalog,
    defaultModel: 'claude-3-5-sonnet-20241022',
    strict: false,
    cachePolicy: 'off',
    ...options,
  });
}

export const user = (content: unknown) => ({ role: 'user', content });
export const assistant = (content: unknown, extra: Record<string, unknown> = {}) => ({ role: 'assistant', content, ...extra });
export const text = (t: string) => ({ type: 'text', text: t });

/** Asserts that `fn` throws a GatewayError with this code and param; returns the message. */
export function throwsGateway(fn: () => unknown, code: ErrorCode, param: string | null): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isGatewayError(e), `expected GatewayError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.param, param, e.message);
    return e.message;
  }
  assert.fail('expected a GatewayError');
}

export function fields(t: TranslatedRequest): string[] {
  return t.adjustments.map((a) => `${a.field}=${a.action}`);
}
