import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAdjustmentsHeader } from './to-anthropic-request.ts';
import { assistant, fields, text, throwsGateway, translate, user } from './test-helpers.ts';

describe('toAnthropicRequest: basics', () => {
  it('translates the seed example exactly (default model remapped, max_tokens defaulted)', () => {
    const t = translate({ model: 'claude-3-5-sonnet-20241022', messages: [user('What is the capital of France?')] });
    assert.deepEqual(t.anthropic, {
      model: 'claude-sonnet-4-6',
      max_tokens: 64000,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }],
    });
    assert.equal(t.requestedModel, 'claude-3-5-sonnet-20241022');
    assert.equal(t.servedModel, 'claude-sonnet-4-6');
    assert.deepEqual(t.adjustments, [
      { field: 'model', action: 'remapped', detail: 'claude-3-5-sonnet-20241022->claude-sonnet-4-6' },
      { field: 'max_tokens', action: 'defaulted', detail: '64000' },
    ]);
    assert.equal(formatAdjustmentsHeader(t.adjustments), 'model=remapped(claude-3-5-sonnet-20241022->claude-sonnet-4-6); max_tokens=defaulted(64000)');
    assert.deepEqual([t.stream, t.includeUsage, t.n, t.jsonToolName], [false, false, 1, null]);
    assert.equal('stream' in t.anthropic, false);
  });

  it('stream_options without stream is a 400, as on OpenAI; null is fine', () => {
    throwsGateway(() => translate({ messages: [user('x')], stream_options: { include_usage: true } }), 'invalid_request', 'stream_options');
    assert.equal(translate({ messages: [user('x')], stream_options: null }).includeUsage, false);
    assert.equal(translate({ messages: [user('x')], stream: true, stream_options: { include_usage: true } }).includeUsage, true);
  });

  it('uses the default model when body.model is absent or empty', () => {
    assert.equal(translate({ messages: [user('x')] }).servedModel, 'claude-sonnet-4-6');
    assert.equal(translate({ model: '', messages: [user('x')] }).requestedModel, 'claude-3-5-sonnet-20241022');
    assert.equal(translate({ messages: [user('x')] }, { defaultModel: 'claude-opus-4-6' }).servedModel, 'claude-opus-4-6');
  });

  it('unknown non-Claude model → 404 model_not_found, param model', () => {
    const m = throwsGateway(() => translate({ model: 'gpt-4o', messages: [user('x')] }), 'model_not_found', 'model');
    assert.equal(m, 'The model `gpt-4o` does not exist or you do not have access to it.');
  });

  it('stream, include_usage and n are reported; stream is never put in the Anthropic body', () => {
    const t = translate({ model: 'claude-sonnet-4-6', messages: [user('x')], stream: true, stream_options: { include_usage: true, include_obfuscation: false }, n: 3 });
    assert.deepEqual([t.stream, t.includeUsage, t.n], [true, true, 3]);
    assert.equal('stream' in t.anthropic, false);
    assert.equal(translate({ model: 'claude-sonnet-4-6', messages: [user('x')], stream: false, stream_options: null }).includeUsage, false);
  });

  it('max_completion_tokens wins over max_tokens; above the model max → clamped', () => {
    const t = translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 10, max_completion_tokens: 20 });
    assert.equal(t.anthropic.max_tokens, 20);
    assert.deepEqual(t.adjustments, []);
    const c = translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 100000 });
    assert.equal(c.anthropic.max_tokens, 64000);
    assert.deepEqual(c.adjustments, [{ field: 'max_tokens', action: 'clamped', detail: '100000->64000, model maximum' }]);
  });

  it('defaulted max_tokens honours maxTokensCap, never a small value otherwise', () => {
    assert.equal(translate({ model: 'claude-opus-4-6', messages: [user('x')] }).anthropic.max_tokens, 128000);
    assert.equal(translate({ model: 'claude-opus-4-6', messages: [user('x')] }, { maxTokensCap: 16384 }).anthropic.max_tokens, 16384);
    assert.equal(translate({ model: 'claude-sonnet-4-6', messages: [user('x')] }, { maxTokensCap: 1_000_000 }).anthropic.max_tokens, 64000);
  });

  it('passes an unknown claude-* model through with newest-model restrictions', () => {
    const t = translate({ model: 'claude-sonnet-6', messages: [user('x')], temperature: 0.2 });
    assert.equal(t.anthropic.model, 'claude-sonnet-6');
    assert.equal(t.anthropic.max_tokens, 64000);
    assert.equal(t.anthropic.temperature, undefined);
    assert.deepEqual(fields(t), ['temperature=dropped', 'max_tokens=defaulted']);
  });

  it('estimates input tokens from characters and images', () => {
    const t = translate({
      model: 'claude-sonnet-4-6',
      messages: [user([text('a'.repeat(350)), { type: 'image_url', image_url: { url: 'https://e.com/i.png' } }])],
    });
    assert.equal(t.estimatedInputTokens, 100 + 1600 + 3);
  });

  it('the output contains only documented Anthropic fields', () => {
    const t = translate({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'system', content: 's' }, user('x')],
      temperature: 0.5, stop: 'END', user: 'u-1', tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'auto',
      reasoning_effort: 'low', response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } },
      store: true, metadata: { a: 'b' }, service_tier: 'flex', prompt_cache_key: 'k', prediction: { type: 'content', content: 'x' },
      cache_control: { type: 'ephemeral' }, top_k: 3, foo: 'bar',
    });
    const allowed = new Set(['model', 'max_tokens', 'messages', 'system', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'metadata', 'tools', 'tool_choice', 'thinking', 'output_config', 'cache_control', 'service_tier']);
    for (const k of Object.keys(t.anthropic)) assert.ok(allowed.has(k), k);
    assert.deepEqual(Object.keys(t.anthropic.metadata!), ['user_id']);
  });
});

describe('toAnthropicRequest: parameter policy', () => {
  it('ignored fields produce no adjustment', () => {
    const t = translate({
      model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5,
      store: true, metadata: { a: 'b' }, service_tier: 'priority', prompt_cache_key: 'k', prompt_cache_retention: '24h',
      stream: true, stream_options: { include_obfuscation: false }, prediction: { type: 'content', content: 'x' }, modalities: ['text'],
      presence_penalty: 0, frequency_penalty: 0, logprobs: false, top_logprobs: 0, logit_bias: {},
    });
    assert.deepEqual(t.adjustments, []);
  });

  it('non-default penalties, seed, logit_bias, logprobs, verbosity, audio, unknown fields → dropped', () => {
    const t = translate({
      model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5,
      presence_penalty: 0.5, frequency_penalty: -1, seed: 42, logit_bias: { '50256': -100 }, logprobs: true, top_logprobs: 2,
      verbosity: 'low', web_search_options: {}, audio: { voice: 'alloy', format: 'mp3' }, modalities: ['text', 'audio'], frobnicate: true,
    });
    assert.deepEqual(fields(t), [
      'presence_penalty=dropped', 'frequency_penalty=dropped', 'seed=dropped', 'logit_bias=dropped', 'logprobs=dropped', 'top_logprobs=dropped',
      'verbosity=dropped', 'web_search_options=dropped', 'audio=dropped', 'modalities=dropped', 'frobnicate=dropped',
    ]);
    assert.deepEqual(Object.keys(t.anthropic), ['model', 'max_tokens', 'messages']);
  });

  it('user / safety_identifier → metadata.user_id only when opaque', () => {
    assert.deepEqual(translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, user: 'u_123' }).anthropic.metadata, { user_id: 'u_123' });
    assert.deepEqual(translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, user: 'u', safety_identifier: 'sid' }).anthropic.metadata, { user_id: 'sid' });
    for (const pii of ['bob@example.com', '+1 (555) 123-4567']) {
      const t = translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, user: pii });
      assert.equal(t.anthropic.metadata, undefined);
      assert.deepEqual(t.adjustments, [{ field: 'user', action: 'dropped', detail: 'looks like personal data, not an opaque id' }]);
      assert.equal(formatAdjustmentsHeader(t.adjustments).includes(pii), false);
    }
  });

  it('stop: string → [s]; whitespace-only dropped (adjustment); duplicates removed', () => {
    assert.deepEqual(translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, stop: 'END' }).anthropic.stop_sequences, ['END']);
    const t = translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, stop: ['\n', 'END', '', 'END'] });
    assert.deepEqual(t.anthropic.stop_sequences, ['END']);
    assert.deepEqual(t.adjustments, [{ field: 'stop', action: 'dropped', detail: '2 whitespace-only sequences' }]);
    const none = translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, stop: [' '] });
    assert.equal(none.anthropic.stop_sequences, undefined);
    assert.equal(translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 5, stop: null }).anthropic.stop_sequences, undefined);
  });
});

describe('toAnthropicRequest: sampling per model', () => {
  const base = { messages: [user('x')], max_tokens: 5 };
  it("'any'-style pass-through on 4.5 with one parameter; temperature clamped to 1", () => {
    const t = translate({ ...base, model: 'claude-sonnet-4-5', temperature: 1.5, top_k: 40 });
    assert.deepEqual([t.anthropic.temperature, t.anthropic.top_k, t.anthropic.top_p], [1, 40, undefined]);
    assert.deepEqual(t.adjustments, [{ field: 'temperature', action: 'clamped', detail: '1.5->1' }]);
  });

  it('temperature + top_p on a model rejecting the pair → top_p dropped', () => {
    const t = translate({ ...base, model: 'claude-sonnet-4-6', temperature: 0.3, top_p: 0.9 });
    assert.deepEqual([t.anthropic.temperature, t.anthropic.top_p], [0.3, undefined]);
    assert.deepEqual(t.adjustments, [{ field: 'top_p', action: 'dropped', detail: '0.9, claude-sonnet-4-6 rejects temperature with top_p' }]);
    const one = translate({ ...base, model: 'claude-sonnet-4-6', temperature: 0.3, top_p: 1 });
    assert.deepEqual(one.adjustments, []);
    const onlyTopP = translate({ ...base, model: 'claude-sonnet-4-6', top_p: 0.8 });
    assert.equal(onlyTopP.anthropic.top_p, 0.8);
  });

  it("'default-only' models drop non-default temperature/top_p/top_k", () => {
    const t = translate({ ...base, model: 'claude-opus-4-7', temperature: 0.2, top_p: 0.5, top_k: 3 });
    assert.deepEqual(Object.keys(t.anthropic), ['model', 'max_tokens', 'messages']);
    assert.deepEqual(fields(t), ['temperature=dropped', 'top_p=dropped', 'top_k=dropped']);
    const d = translate({ ...base, model: 'claude-sonnet-5', temperature: 1, top_p: 1 });
    assert.deepEqual(d.adjustments, []);
    assert.equal(d.anthropic.temperature, undefined);
  });
});

describe('toAnthropicRequest: strict mode', () => {
  const strict = { strict: true };
  it('refuses semantic adjustments with adjustment_refused naming the field', () => {
    throwsGateway(() => translate({ model: 'claude-sonnet-4-6', messages: [user('x')], temperature: 1.5 }, strict), 'adjustment_refused', 'temperature');
    throwsGateway(() => translate({ model: 'claude-3-5-sonnet-20241022', messages: [user('x')] }, strict), 'adjustment_refused', 'model');
    throwsGateway(() => translate({ model: 'claude-sonnet-4-6', messages: [user('x')], seed: 1 }, strict), 'adjustment_refused', 'seed');
    throwsGateway(() => translate({ model: 'claude-sonnet-4-6', messages: [user('x')], foo: 1 }, strict), 'adjustment_refused', 'foo');
    throwsGateway(() => translate({ model: 'claude-opus-4-7', messages: [user('x')], top_k: 5 }, strict), 'adjustment_refused', 'top_k');
    throwsGateway(() => translate({ model: 'claude-sonnet-4-6', messages: [user('x'), assistant('pre')] }, strict), 'adjustment_refused', 'messages[1]');
    const m = throwsGateway(() => translate({ model: 'claude-sonnet-4-6', messages: [user('x')], max_tokens: 10 ** 6 }, strict), 'adjustment_refused', 'max_tokens');
    assert.match(m, /'max_tokens' would be clamped \(1000000->64000, model maximum\)/);
  });

  it('allows representational conversions and defaults the client did not specify', () => {
    const t = translate(
      {
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'system', content: 'a' }, user('x'), user('  '), user('y'), { role: 'developer', content: 'b' }],
      },
      strict,
    );
    assert.deepEqual(t.anthropic, {
      model: 'claude-sonnet-4-6',
      max_tokens: 64000,
      system: 'a\nb',
      messages: [{ role: 'user', content: [text('x'), text('y')] }],
    });
    // absent model: the gateway default is remapped, which the client did not ask for → not refused
    assert.equal(translate({ messages: [user('x')] }, strict).servedModel, 'claude-sonnet-4-6');
    // Anthropic's own short alias is the same model → no adjustment at all
    assert.ok(translate({ model: 'claude-sonnet-4-5', messages: [user('x')] }, strict));
  });
});
