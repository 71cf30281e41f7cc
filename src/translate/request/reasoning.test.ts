import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fields, throwsGateway, translate, user } from './test-helpers.ts';

const req = (model: string, extra: Record<string, unknown>) => translate({ model, messages: [user('q')], ...extra });
const pick = (t: ReturnType<typeof translate>) => ({ thinking: t.anthropic.thinking, output_config: t.anthropic.output_config, max_tokens: t.anthropic.max_tokens });

describe('reasoning_effort', () => {
  it('manual-thinking models: budget per effort; max_tokens stays the default when larger', () => {
    const budgets: Record<string, number> = { minimal: 1024, low: 1024, medium: 2048, high: 4096, xhigh: 8192, max: 16384 };
    for (const [effort, budget] of Object.entries(budgets)) {
      const t = req('claude-haiku-4-5', { reasoning_effort: effort });
      assert.deepEqual(pick(t), { thinking: { type: 'enabled', budget_tokens: budget }, output_config: undefined, max_tokens: 64000 }, effort);
    }
  });

  it('manual: a client max_tokens not above the budget is raised by the budget (adjustment)', () => {
    const t = req('claude-haiku-4-5', { reasoning_effort: 'high', max_completion_tokens: 500 });
    assert.equal(t.anthropic.max_tokens, 4596);
    assert.deepEqual(t.adjustments, [{ field: 'max_completion_tokens', action: 'clamped', detail: '500->4596, thinking budget 4096' }]);
    const big = req('claude-haiku-4-5', { reasoning_effort: 'high', max_tokens: 8000 });
    assert.equal(big.anthropic.max_tokens, 8000);
    assert.deepEqual(big.adjustments, []);
  });

  it('adaptive models: thinking adaptive + output_config.effort (minimal → low)', () => {
    assert.deepEqual(pick(req('claude-opus-4-7', { reasoning_effort: 'xhigh', max_tokens: 10 })), {
      thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' }, max_tokens: 10,
    });
    const m = req('claude-opus-4-7', { reasoning_effort: 'minimal', max_tokens: 10 });
    assert.deepEqual(m.anthropic.output_config, { effort: 'low' });
    assert.deepEqual(m.adjustments, [{ field: 'reasoning_effort', action: 'converted', detail: 'minimal->low' }]);
  });

  it("'both' models (4.6) use adaptive; unsupported levels clamp down", () => {
    const t = req('claude-sonnet-4-6', { reasoning_effort: 'xhigh', max_tokens: 10 });
    assert.deepEqual(pick(t), { thinking: { type: 'adaptive' }, output_config: { effort: 'high' }, max_tokens: 10 });
    assert.deepEqual(t.adjustments, [{ field: 'reasoning_effort', action: 'clamped', detail: 'xhigh->high' }]);
  });

  it('none → thinking disabled where allowed, else effort low (adjustment)', () => {
    assert.deepEqual(req('claude-sonnet-5', { reasoning_effort: 'none', max_tokens: 10 }).anthropic.thinking, { type: 'disabled' });
    assert.deepEqual(req('claude-haiku-4-5', { reasoning_effort: 'none', max_tokens: 10 }).anthropic.thinking, { type: 'disabled' });
    const t = req('claude-opus-5-5', { reasoning_effort: 'none', max_tokens: 10 });
    assert.deepEqual(pick(t), { thinking: undefined, output_config: { effort: 'low' }, max_tokens: 10 });
    assert.deepEqual(fields(t), ['reasoning_effort=clamped']);
  });

  it('thinking on: temperature/top_k dropped, top_p clamped to >= 0.95', () => {
    const t = req('claude-sonnet-4-5', { reasoning_effort: 'low', temperature: 0.3, top_k: 5, top_p: 0.5, max_tokens: 4000 });
    assert.deepEqual([t.anthropic.temperature, t.anthropic.top_k, t.anthropic.top_p], [undefined, undefined, 0.95]);
    assert.deepEqual(fields(t), ['temperature=dropped', 'top_k=dropped', 'top_p=clamped']);
    const one = req('claude-sonnet-4-5', { reasoning_effort: 'low', temperature: 1, max_tokens: 4000 });
    assert.deepEqual(one.adjustments, []);
    assert.equal(one.anthropic.temperature, undefined);
  });
});

describe('raw thinking (extra_body)', () => {
  it('enabled passes through on manual models; budget must be below a client max_tokens', () => {
    const t = req('claude-sonnet-4-5', { thinking: { type: 'enabled', budget_tokens: 2000 }, max_tokens: 3000 });
    assert.deepEqual(pick(t), { thinking: { type: 'enabled', budget_tokens: 2000 }, output_config: undefined, max_tokens: 3000 });
    throwsGateway(() => req('claude-sonnet-4-5', { thinking: { type: 'enabled', budget_tokens: 2000 }, max_tokens: 2000 }), 'invalid_request', 'thinking.budget_tokens');
    throwsGateway(() => req('claude-sonnet-4-5', { thinking: { type: 'enabled', budget_tokens: 64000 } }), 'invalid_request', 'thinking.budget_tokens');
  });

  it('enabled without a client max_tokens raises the (capped) default above the budget', () => {
    const t = translate({ model: 'claude-sonnet-4-5', messages: [user('q')], thinking: { type: 'enabled', budget_tokens: 20000 } }, { maxTokensCap: 16384 });
    assert.equal(t.anthropic.max_tokens, 36384);
    assert.deepEqual(t.adjustments, [{ field: 'max_tokens', action: 'defaulted', detail: '36384, above thinking budget 20000' }]);
  });

  it('enabled on adaptive-only models → adaptive + effort from the budget (remapped)', () => {
    const t = req('claude-opus-4-7', { thinking: { type: 'enabled', budget_tokens: 5000, display: 'summarized' }, max_tokens: 100 });
    assert.deepEqual(pick(t), { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' }, max_tokens: 100 });
    assert.deepEqual(t.adjustments, [{ field: 'thinking', action: 'remapped', detail: 'enabled budget 5000->adaptive effort high' }]);
  });

  it('adaptive on manual-only models → enabled with a budget (remapped); with reasoning_effort on adaptive models → effort', () => {
    const t = req('claude-haiku-4-5', { thinking: { type: 'adaptive' }, max_tokens: 100 });
    assert.deepEqual(pick(t), { thinking: { type: 'enabled', budget_tokens: 4096 }, output_config: undefined, max_tokens: 4196 });
    assert.deepEqual(fields(t), ['thinking=remapped', 'max_tokens=clamped']);
    const a = req('claude-opus-4-7', { thinking: { type: 'adaptive' }, reasoning_effort: 'max', max_tokens: 100 });
    assert.deepEqual(pick(a), { thinking: { type: 'adaptive' }, output_config: { effort: 'max' }, max_tokens: 100 });
  });

  it('disabled where thinking cannot be disabled → dropped to effort low (adjustment)', () => {
    const t = req('claude-fable-5-1', { thinking: { type: 'disabled' }, max_tokens: 100 });
    assert.deepEqual(pick(t), { thinking: undefined, output_config: { effort: 'low' }, max_tokens: 100 });
    assert.deepEqual(fields(t), ['thinking=clamped']);
    assert.deepEqual(req('claude-sonnet-4-6', { thinking: { type: 'disabled' }, max_tokens: 100 }).anthropic.thinking, { type: 'disabled' });
  });
});

describe('thinking inside a tool loop', () => {
  const call = { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } };
  const tools = [{ type: 'function', function: { name: 'f' } }];
  const loop = (thinkingBlocks?: unknown[]) => [
    user('q'),
    { role: 'assistant', content: null, tool_calls: [call], ...(thinkingBlocks ? { thinking_blocks: thinkingBlocks } : {}) },
    { role: 'tool', tool_call_id: 'c1', content: 'r' },
  ];

  it('manual thinking is dropped when the assistant turn carries no thinking_blocks', () => {
    const t = translate({ model: 'claude-haiku-4-5', messages: loop(), tools, reasoning_effort: 'high', max_tokens: 100 });
    assert.equal(t.anthropic.thinking, undefined);
    assert.equal(t.anthropic.max_tokens, 100);
    assert.deepEqual(t.adjustments, [{ field: 'reasoning_effort', action: 'dropped', detail: 'tool loop without thinking_blocks' }]);
  });

  it('kept when the client sends the thinking_blocks back', () => {
    const t = translate({ model: 'claude-haiku-4-5', messages: loop([{ type: 'thinking', thinking: 't', signature: 's' }]), tools, reasoning_effort: 'high', max_tokens: 100 });
    assert.deepEqual(t.anthropic.thinking, { type: 'enabled', budget_tokens: 4096 });
    assert.equal(t.anthropic.max_tokens, 4196);
  });
});
