import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSON_OBJECT_INSTRUCTION } from './response-format.ts';
import { fields, throwsGateway, translate, user } from './test-helpers.ts';

const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
const jsonSchema = { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } };
const req = (model: string, extra: Record<string, unknown>) => translate({ model, messages: [user('q')], max_tokens: 100, ...extra });

describe('response_format', () => {
  it('text → nothing', () => {
    const t = req('claude-sonnet-4-6', { response_format: { type: 'text' } });
    assert.deepEqual(Object.keys(t.anthropic), ['model', 'max_tokens', 'messages']);
    assert.equal(t.jsonToolName, null);
  });

  it('json_schema on a structured-outputs model → output_config.format', () => {
    const t = req('claude-sonnet-4-6', { response_format: jsonSchema });
    assert.deepEqual(t.anthropic.output_config, { format: { type: 'json_schema', schema } });
    assert.equal(t.anthropic.tools, undefined);
    assert.equal(t.jsonToolName, null);
    assert.deepEqual(t.adjustments, []);
  });

  it('json_schema combines with reasoning effort in one output_config', () => {
    const t = req('claude-opus-4-7', { response_format: jsonSchema, reasoning_effort: 'low' });
    assert.deepEqual(t.anthropic.output_config, { effort: 'low', format: { type: 'json_schema', schema } });
  });

  it('json_schema without native support → forced json_response tool, jsonToolName set', () => {
    const t = req('claude-haiku-4-5', { response_format: jsonSchema });
    assert.deepEqual(t.anthropic.tools, [{ name: 'json_response', description: "Give the final answer as this tool's input (schema 'answer').", input_schema: schema }]);
    assert.deepEqual(t.anthropic.tool_choice, { type: 'tool', name: 'json_response' });
    assert.equal(t.anthropic.system, undefined);
    assert.equal(t.jsonToolName, 'json_response');
    assert.deepEqual(t.adjustments, [{ field: 'response_format', action: 'converted', detail: 'json_schema->tool json_response' }]);
  });

  it('tool route with thinking on → auto + instruction, still jsonToolName', () => {
    const t = req('claude-haiku-4-5', { response_format: jsonSchema, reasoning_effort: 'low', max_tokens: 5000 });
    assert.equal(t.anthropic.tool_choice, undefined);
    assert.equal(t.anthropic.system, 'Give your final answer by calling the `json_response` tool with it as input, not as text.');
    assert.equal(t.jsonToolName, 'json_response');
  });

  it('tool route beside client tools: not forced, unique name, client tool_choice kept', () => {
    const t = req('claude-haiku-4-5', {
      response_format: jsonSchema,
      tools: [{ type: 'function', function: { name: 'json_response' } }],
      tool_choice: 'auto',
    });
    assert.deepEqual(t.anthropic.tools!.map((x) => x.name), ['json_response', 'json_response_1']);
    assert.deepEqual(t.anthropic.tool_choice, { type: 'auto' });
    assert.equal(t.jsonToolName, 'json_response_1');
  });

  it('tool route: a non-object or combinator root → 400 response_format.json_schema.schema', () => {
    throwsGateway(() => req('claude-haiku-4-5', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'array' } } } }), 'invalid_request', 'response_format.json_schema.schema');
    throwsGateway(() => req('claude-haiku-4-5', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { anyOf: [] } } } }), 'invalid_request', 'response_format.json_schema.schema');
  });

  it('json_object (and json_schema without a schema) → system instruction', () => {
    const t = req('claude-sonnet-4-6', { response_format: { type: 'json_object' }, messages: [{ role: 'system', content: 'sys' }, user('q')] });
    assert.equal(t.anthropic.system, `sys\n${JSON_OBJECT_INSTRUCTION}`);
    assert.equal(t.anthropic.output_config, undefined);
    assert.deepEqual(fields(t), ['response_format=converted']);
    const n = req('claude-sonnet-4-6', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } });
    assert.equal(n.anthropic.system, JSON_OBJECT_INSTRUCTION);
    assert.doesNotThrow(() => translate({ model: 'claude-sonnet-4-6', messages: [user('q')], response_format: { type: 'json_object' } }, { strict: true }));
  });
});
