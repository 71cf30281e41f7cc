import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assistant, text, translate, user } from './test-helpers.ts';

const eph = { type: 'ephemeral' } as const;
const tools = [{ type: 'function', function: { name: 'a' } }, { type: 'function', function: { name: 'b' } }];

describe('cache policy', () => {
  it("'off' adds nothing", () => {
    const t = translate({ model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 's' }, user('q')], tools, max_tokens: 5 });
    assert.equal(JSON.stringify(t.anthropic).includes('cache_control'), false);
  });

  it("'auto' marks the conversation tail, the last system block and the last tool", () => {
    const t = translate(
      { model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 'one' }, { role: 'system', content: 'two' }, user('q'), assistant('a'), user('q2')], tools, max_tokens: 5 },
      { cachePolicy: 'auto' },
    );
    assert.deepEqual(t.anthropic.system, [{ type: 'text', text: 'one\ntwo', cache_control: eph }]);
    assert.deepEqual(t.anthropic.tools!.map((x) => x.cache_control), [undefined, eph]);
    assert.deepEqual(t.anthropic.messages, [
      { role: 'user', content: [text('q')] },
      { role: 'assistant', content: [text('a')] },
      { role: 'user', content: [{ ...text('q2'), cache_control: eph }] },
    ]);
  });

  it("'auto' respects client breakpoints and the limit of 4", () => {
    const cached = (s: string) => ({ type: 'text', text: s, cache_control: eph });
    const t = translate(
      {
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'system', content: 'sys' }, user([cached('a')]), assistant('x'), user([cached('b')]), assistant('y'), user([cached('c')]), assistant('z'), user('tail')],
        tools,
        max_tokens: 5,
      },
      { cachePolicy: 'auto' },
    );
    // 3 client markers + the tail = 4: system and tools stay unmarked.
    assert.equal(t.anthropic.system, 'sys');
    assert.equal(t.anthropic.tools!.some((x) => x.cache_control), false);
    assert.deepEqual(t.anthropic.messages.at(-1), { role: 'user', content: [{ ...text('tail'), cache_control: eph }] });
  });

  it("'auto' does not double-mark a block the client marked, and skips when the client uses 1h TTLs", () => {
    const t = translate({ model: 'claude-sonnet-4-6', messages: [user([{ type: 'text', text: 'q', cache_control: eph }])], max_tokens: 5 }, { cachePolicy: 'auto' });
    assert.deepEqual(t.anthropic.messages[0]!.content, [{ ...text('q'), cache_control: eph }]);
    const h = translate(
      { model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 's' }, user('q')], tools, cache_control: { type: 'ephemeral', ttl: '1h' }, max_tokens: 5 },
      { cachePolicy: 'auto' },
    );
    assert.equal(h.anthropic.system, 's');
    assert.deepEqual(h.anthropic.cache_control, { type: 'ephemeral', ttl: '1h' });
    assert.equal(JSON.stringify(h.anthropic.messages).includes('cache_control'), false);
  });

  it('a top-level cache_control replaces the tail breakpoint', () => {
    const t = translate({ model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 's' }, user('q')], cache_control: eph, max_tokens: 5 }, { cachePolicy: 'auto' });
    assert.deepEqual(t.anthropic.cache_control, eph);
    assert.deepEqual(t.anthropic.messages[0]!.content, [text('q')]);
    assert.deepEqual(t.anthropic.system, [{ type: 'text', text: 's', cache_control: eph }]);
  });

  it('the tail breakpoint lands on a tool_result block when the conversation ends with results', () => {
    const t = translate(
      { model: 'claude-sonnet-4-6', messages: [user('q'), assistant(null, { tool_calls: [{ id: 'c', type: 'function', function: { name: 'a', arguments: '{}' } }] }), { role: 'tool', tool_call_id: 'c', content: 'r' }], tools, max_tokens: 5 },
      { cachePolicy: 'auto' },
    );
    assert.deepEqual(t.anthropic.messages[2]!.content, [{ type: 'tool_result', tool_use_id: 'c', content: 'r', cache_control: eph }]);
  });
});
