/** Property tests: whatever the (schema-valid) input, the Anthropic request obeys the upstream rules of protocol.md §3.5. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isGatewayError } from '../../domain/errors.ts';
import type { ContentBlockParam } from '../../protocol/anthropic/messages.ts';
import { formatAdjustmentsHeader } from './to-anthropic-request.ts';
import { catalog, translate } from './test-helpers.ts';

const ALLOWED = new Set(['model', 'max_tokens', 'messages', 'system', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'metadata', 'tools', 'tool_choice', 'thinking', 'output_config', 'cache_control', 'service_tier']);
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'claude-opus-4-6', 'claude-sonnet-4-6', 'claude-opus-4-7', 'claude-sonnet-5', 'claude-fable-5-1', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-3-5-sonnet-20241022', 'claude-next-9'];
const IDS = ['call_1', 'call.2', 'fc:3|x', 'call_1', ''];

const textArb = fc.constantFrom('', ' ', '\n', 'hello', 'two words ', 'émoji 👋');
const callArb = fc.record({ id: fc.constantFrom(...IDS), type: fc.constant('function'), function: fc.record({ name: fc.constantFrom('f', 'g'), arguments: fc.constantFrom('', '{}', '{"a":1}', 'nope') }) });
const messageArb = fc.oneof(
  { weight: 1, arbitrary: fc.record({ role: fc.constantFrom('system', 'developer'), content: textArb }) },
  { weight: 4, arbitrary: fc.record({ role: fc.constant('user'), content: fc.oneof(textArb, fc.array(fc.record({ type: fc.constant('text'), text: textArb }), { maxLength: 3 })) }) },
  { weight: 3, arbitrary: fc.record({ role: fc.constant('assistant'), content: fc.option(textArb), tool_calls: fc.option(fc.array(callArb, { minLength: 1, maxLength: 2 }), { nil: undefined }) }, { requiredKeys: ['role'] }) },
  { weight: 1, arbitrary: fc.record({ role: fc.constant('tool'), tool_call_id: fc.constantFrom(...IDS), content: textArb }) },
);
const bodyArb = fc.record(
  {
    model: fc.constantFrom(...MODELS),
    messages: fc.array(messageArb, { minLength: 1, maxLength: 8 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    top_k: fc.integer({ min: 1, max: 50 }),
    max_tokens: fc.integer({ min: 1, max: 200_000 }),
    reasoning_effort: fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'),
    tools: fc.constant([{ type: 'function', function: { name: 'f' } }, { type: 'function', function: { name: 'g' } }]),
    tool_choice: fc.constantFrom('auto', 'none', 'required', { type: 'function', function: { name: 'g' } }),
    parallel_tool_calls: fc.boolean(),
    stop: fc.array(fc.constantFrom('\n', 'END', ' ', 'x'), { maxLength: 4 }),
    response_format: fc.constantFrom({ type: 'text' }, { type: 'json_object' }, { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object', properties: {} } } }),
  },
  { requiredKeys: ['model', 'messages', 'tools'] },
);


const stats = { ok: 0, rejected: {} as Record<string, number> };

describe('toAnthropicRequest properties', () => {
  it('every successful translation satisfies the Anthropic request rules', () => {
    fc.assert(
      fc.property(bodyArb, fc.constantFrom<'off' | 'auto'>('off', 'auto'), (body, cachePolicy) => {
        let t;
        try {
          t = translate(body, { cachePolicy });
        } catch (e) {
          assert.ok(isGatewayError(e), String(e));
          assert.equal(e.status, 400);
          stats.rejected[e.param ?? 'null'] = (stats.rejected[e.param ?? 'null'] ?? 0) + 1;
          return;
        }
        stats.ok++;
        const a = t.anthropic;
        const model = catalog.resolve(body.model)!.model;
        for (const k of Object.keys(a)) assert.ok(ALLOWED.has(k), k);
        assert.ok(a.max_tokens >= 1 && a.max_tokens <= model.maxOutputTokens);
        assert.ok(a.messages.length > 0);
        assert.equal(a.messages[0]!.role, 'user');
        const useIds: string[] = [];
        a.messages.forEach((m, k) => {
          if (k > 0) assert.notEqual(m.role, a.messages[k - 1]!.role, 'roles alternate');
          assert.ok(Array.isArray(m.content) && m.content.length > 0);
          const blocks = m.content as ContentBlockParam[];
          for (const b of blocks) if (b.type === 'text') assert.notEqual(b.text.trim(), '');
          const uses = blocks.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
          useIds.push(...uses);
          if (uses.length > 0) {
            const next = a.messages[k + 1]!.content as ContentBlockParam[];
            assert.deepEqual(next.slice(0, uses.length).map((b) => (b.type === 'tool_result' ? b.tool_use_id : null)), uses);
          }
        });
        assert.equal(new Set(useIds).size, useIds.length, 'tool_use ids unique');
        for (const id of useIds) assert.match(id, /^[a-zA-Z0-9_-]+$/);
        const last = a.messages[a.messages.length - 1]!;
        const thinkingOn = a.thinking ? a.thinking.type !== 'disabled' : model.capabilities.thinkingDefaultOn;
        if (!model.capabilities.prefill || thinkingOn) assert.equal(last.role, 'user');
        if (last.role === 'assistant') {
          const tail = (last.content as ContentBlockParam[]).at(-1)!;
          if (tail.type === 'text') assert.equal(tail.text, tail.text.trimEnd());
        }
        if (model.capabilities.sampling === 'default-only') assert.deepEqual([a.temperature, a.top_p, a.top_k], [undefined, undefined, undefined]);
        if (model.capabilities.sampling === 'no-temperature-with-top-p') assert.ok(a.temperature === undefined || a.top_p === undefined);
        if (a.temperature !== undefined) assert.ok(a.temperature >= 0 && a.temperature <= 1);
        if (thinkingOn) {
          assert.equal(a.top_k, undefined);
          assert.ok(a.temperature === undefined);
          if (a.top_p !== undefined) assert.ok(a.top_p >= 0.95);
        }
        if (a.thinking?.type === 'enabled') {
          assert.notEqual(model.capabilities.thinking, 'adaptive');
          assert.ok(a.thinking.budget_tokens >= 1024 && a.thinking.budget_tokens < a.max_tokens);
        }
        if (a.thinking?.type === 'adaptive') assert.notEqual(model.capabilities.thinking, 'manual');
        if (a.thinking?.type === 'disabled') assert.ok(model.capabilities.thinkingCanBeDisabled);
        if (a.tool_choice?.type === 'any' || a.tool_choice?.type === 'tool') {
          assert.ok(model.capabilities.forcedToolChoice);
          assert.ok(!thinkingOn);
        }
        if (a.output_config?.effort) assert.ok(model.capabilities.effortLevels.includes(a.output_config.effort));
        for (const s of a.stop_sequences ?? []) assert.notEqual(s.trim(), '');
        const json = JSON.stringify(a);
        assert.ok((json.match(/"cache_control"/g) ?? []).length <= 4);
        assert.match(formatAdjustmentsHeader(t.adjustments), /^[\x20-\x7e]*$/);
        // deterministic
        assert.deepEqual(translate(body, { cachePolicy }).anthropic, a);
      }),
      { numRuns: 400, seed: 20261201 },
    );
    // Most generated conversations must translate, or the properties above prove little.
    assert.ok(stats.ok > 150, JSON.stringify(stats));
  });
});
