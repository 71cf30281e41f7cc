import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fields, throwsGateway, translate, user } from './test-helpers.ts';

const fn = (name: string, parameters?: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  function: { name, ...(parameters === undefined ? {} : { parameters }), ...extra },
});
const req = (model: string, extra: Record<string, unknown>) => translate({ model, messages: [user('q')], max_tokens: 100, ...extra });

describe('tools', () => {
  it('function tools → Anthropic tools; missing parameters → empty object schema; root type added', () => {
    const t = req('claude-sonnet-4-6', {
      tools: [
        fn('get_weather', { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, { description: 'Weather' }),
        fn('now'),
        fn('typed', { properties: { a: { type: 'number' } } }),
      ],
    });
    assert.deepEqual(t.anthropic.tools, [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
      { name: 'typed', input_schema: { properties: { a: { type: 'number' } }, type: 'object' } },
    ]);
    assert.equal(t.anthropic.tool_choice, undefined);
  });

  it('root-level oneOf/anyOf/allOf or a non-object root → 400 tools[i].function.parameters', () => {
    for (const k of ['oneOf', 'anyOf', 'allOf']) {
      throwsGateway(() => req('claude-sonnet-4-6', { tools: [fn('a'), fn('b', { [k]: [{ type: 'object' }] })] }), 'invalid_request', 'tools[1].function.parameters');
    }
    throwsGateway(() => req('claude-sonnet-4-6', { tools: [fn('a', { type: 'array' })] }), 'invalid_request', 'tools[0].function.parameters');
  });

  it('custom tools → 400 unsupported_parameter tools[i].type; duplicate names → 400', () => {
    throwsGateway(() => req('claude-sonnet-4-6', { tools: [{ type: 'custom', custom: { name: 'g' } }] }), 'unsupported_parameter', 'tools[0].type');
    throwsGateway(() => req('claude-sonnet-4-6', { tools: [fn('a'), fn('a')] }), 'invalid_request', 'tools[1].function.name');
  });

  it('strict: true kept on structured-output models, dropped (adjustment) elsewhere', () => {
    const on = req('claude-sonnet-4-6', { tools: [fn('a', undefined, { strict: true })] });
    assert.deepEqual(on.anthropic.tools, [{ name: 'a', input_schema: { type: 'object', properties: {} }, strict: true }]);
    const off = req('claude-haiku-4-5', { tools: [fn('a', undefined, { strict: true })] });
    assert.deepEqual(off.anthropic.tools, [{ name: 'a', input_schema: { type: 'object', properties: {} } }]);
    assert.deepEqual(fields(off), ['tools[0].function.strict=dropped']);
  });

  it('tools[i].cache_control passes through', () => {
    const t = req('claude-sonnet-4-6', { tools: [{ ...fn('a'), cache_control: { type: 'ephemeral', ttl: '1h' } }] });
    assert.deepEqual(t.anthropic.tools![0]!.cache_control, { type: 'ephemeral', ttl: '1h' });
  });

  it('legacy functions / function_call', () => {
    const t = req('claude-sonnet-4-6', { functions: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }], function_call: { name: 'lookup' } });
    assert.deepEqual(t.anthropic.tools, [{ name: 'lookup', input_schema: { type: 'object', properties: {} } }]);
    assert.deepEqual(t.anthropic.tool_choice, { type: 'tool', name: 'lookup' });
    assert.deepEqual(req('claude-sonnet-4-6', { functions: [{ name: 'lookup' }], function_call: 'none' }).anthropic.tool_choice, { type: 'none' });
    throwsGateway(() => req('claude-sonnet-4-6', { functions: [{ name: 'a', parameters: { anyOf: [] } }] }), 'invalid_request', 'functions[0].parameters');
  });
});

describe('tool_choice', () => {
  const tools = [fn('a'), fn('b')];
  const S46 = 'claude-sonnet-4-6';

  it('auto / none / required / named map directly on models that allow forced tools', () => {
    assert.deepEqual(req(S46, { tools, tool_choice: 'auto' }).anthropic.tool_choice, { type: 'auto' });
    assert.deepEqual(req(S46, { tools, tool_choice: 'none' }).anthropic.tool_choice, { type: 'none' });
    assert.deepEqual(req(S46, { tools, tool_choice: 'required' }).anthropic.tool_choice, { type: 'any' });
    assert.deepEqual(req(S46, { tools, tool_choice: { type: 'function', function: { name: 'b' } } }).anthropic.tool_choice, { type: 'tool', name: 'b' });
  });

  it('parallel_tool_calls: false → disable_parallel_tool_use (auto created when absent; not on none)', () => {
    assert.deepEqual(req(S46, { tools, parallel_tool_calls: false }).anthropic.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    assert.deepEqual(req(S46, { tools, parallel_tool_calls: false, tool_choice: 'required' }).anthropic.tool_choice, { type: 'any', disable_parallel_tool_use: true });
    assert.deepEqual(req(S46, { tools, parallel_tool_calls: false, tool_choice: 'none' }).anthropic.tool_choice, { type: 'none' });
    assert.equal(req(S46, { parallel_tool_calls: false }).anthropic.tool_choice, undefined);
    assert.equal(req(S46, { parallel_tool_calls: true, tools }).anthropic.tool_choice, undefined);
  });

  it('allowed_tools filters tools, mode decides auto/any', () => {
    const t = req(S46, { tools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'b' } }] } } });
    assert.deepEqual(t.anthropic.tools!.map((x) => x.name), ['b']);
    assert.deepEqual(t.anthropic.tool_choice, { type: 'any' });
    const a = req(S46, { tools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'a' } }] } } });
    assert.deepEqual(a.anthropic.tool_choice, { type: 'auto' });
    throwsGateway(
      () => req(S46, { tools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'zz' } }] } } }),
      'invalid_request',
      'tool_choice.allowed_tools.tools[0]',
    );
  });

  it('errors: named tool not in tools; forced choice without tools; custom choice', () => {
    throwsGateway(() => req(S46, { tools, tool_choice: { type: 'function', function: { name: 'zz' } } }), 'invalid_request', 'tool_choice.function.name');
    throwsGateway(() => req(S46, { tool_choice: 'required' }), 'invalid_request', 'tool_choice');
    throwsGateway(() => req(S46, { tools, tool_choice: { type: 'custom', custom: { name: 'a' } } }), 'unsupported_parameter', 'tool_choice');
    assert.equal(req(S46, { tool_choice: 'auto' }).anthropic.tool_choice, undefined);
  });

  it('models rejecting forced tool use: required → auto + instruction; named → auto + only that tool + instruction', () => {
    const r = req('claude-sonnet-5-5', { tools, tool_choice: 'required', messages: [{ role: 'system', content: 'sys' }, user('q')] });
    assert.deepEqual(r.anthropic.tool_choice, { type: 'auto' });
    assert.equal(r.anthropic.system, 'sys\nYou must respond by calling at least one of the provided tools.');
    assert.deepEqual(r.adjustments.filter((a) => a.field === 'tool_choice'), [
      { field: 'tool_choice', action: 'remapped', detail: 'required->auto, claude-sonnet-5-5 rejects forced tool use' },
    ]);
    const n = req('claude-opus-5-5', { tools, tool_choice: { type: 'function', function: { name: 'b' } }, parallel_tool_calls: false });
    assert.deepEqual(n.anthropic.tools!.map((x) => x.name), ['b']);
    assert.deepEqual(n.anthropic.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    assert.equal(n.anthropic.system, 'You must respond by calling the tool `b`.');
    throwsGateway(() => translate({ model: 'claude-fable-5-1', messages: [user('q')], tools, tool_choice: 'required' }, { strict: true }), 'adjustment_refused', 'tool_choice');
  });

  it('thinking on → forced choice goes the auto route too', () => {
    const t = req(S46, { tools, tool_choice: 'required', reasoning_effort: 'high' });
    assert.deepEqual(t.anthropic.tool_choice, { type: 'auto' });
    assert.deepEqual(t.anthropic.thinking, { type: 'adaptive' });
    assert.ok(t.adjustments.some((a) => a.field === 'tool_choice' && a.detail === 'required->auto, thinking on'));
  });

  it('default-on thinking that can be disabled is turned off to honour a forced choice', () => {
    const t = req('claude-sonnet-5', { tools, tool_choice: 'required' });
    assert.deepEqual(t.anthropic.tool_choice, { type: 'any' });
    assert.deepEqual(t.anthropic.thinking, { type: 'disabled' });
    assert.deepEqual(fields(t), ['thinking=converted']);
  });
});
