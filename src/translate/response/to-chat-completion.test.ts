import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContentBlock, Message } from '../../protocol/anthropic/messages.ts';
import { toChatCompletion, toolArguments } from './to-chat-completion.ts';

const context = { id: 'chatcmpl-1', created: 1700000000, model: 'claude-sonnet-4-6' };

function message(content: ContentBlock[], extra: Partial<Message> = {}): Message {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6-20260101',
    content,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1 },
    ...extra,
  };
}

describe('toChatCompletion (protocol.md §6.3)', () => {
  it('uses the given id/created/model, seed key order, fingerprint null by default', () => {
    const completion = toChatCompletion(message([{ type: 'text', text: 'Hi' }]), context);
    assert.deepEqual(Object.keys(completion), ['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage']);
    assert.equal(completion.model, 'claude-sonnet-4-6');
    assert.equal(completion.system_fingerprint, null);
    assert.deepEqual(Object.keys(completion.choices[0]), ['index', 'message', 'logprobs', 'finish_reason']);
    assert.deepEqual(completion.choices[0].message, { role: 'assistant', content: 'Hi', refusal: null });
  });

  it('concatenates text blocks in order and ignores unknown blocks', () => {
    const completion = toChatCompletion(
      message([
        { type: 'text', text: 'a' },
        { type: 'server_tool_use', id: 'srv', name: 'web_search', input: {} },
        { type: 'text', text: 'b' },
      ]),
      context,
    );
    assert.equal(completion.choices[0].message.content, 'ab');
    assert.equal(completion.choices[0].message.tool_calls, undefined);
  });

  it('content is null with only tool calls, "" with nothing at all', () => {
    const tools = toChatCompletion(message([{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }], { stop_reason: 'tool_use' }), context);
    assert.equal(tools.choices[0].message.content, null);
    assert.deepEqual(tools.choices[0].message.tool_calls, [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } }]);
    assert.equal(tools.choices[0].finish_reason, 'tool_calls');
    const empty = toChatCompletion(message([]), context);
    assert.equal(empty.choices[0].message.content, '');
    assert.equal('tool_calls' in empty.choices[0].message, false);
  });

  it('tool arguments: JSON of the input, raw string passed through, missing input -> {}', () => {
    assert.equal(toolArguments({ a: [1, 'x'] }), '{"a":[1,"x"]}');
    assert.equal(toolArguments('{"path": "no'), '{"path": "no');
    assert.equal(toolArguments(undefined), '{}');
    assert.equal(toolArguments(null), '{}');
  });

  it('refusal: explanation when present, else null; finish content_filter', () => {
    const withExplanation = toChatCompletion(
      message([], { stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'bio', explanation: 'No.' } }),
      context,
    );
    assert.equal(withExplanation.choices[0].message.refusal, 'No.');
    assert.equal(withExplanation.choices[0].finish_reason, 'content_filter');
    const without = toChatCompletion(message([], { stop_reason: 'refusal', stop_details: null }), context);
    assert.equal(without.choices[0].message.refusal, null);
    const notRefusal = toChatCompletion(message([{ type: 'text', text: 'x' }], { stop_details: { type: 'refusal', explanation: 'ignored' } }), context);
    assert.equal(notRefusal.choices[0].message.refusal, null);
  });

  it('json tool: its input becomes the content, no tool_calls, finish stop', () => {
    const completion = toChatCompletion(
      message([{ type: 'tool_use', id: 'toolu_j', name: 'json_tool_call', input: { ok: true } }], { stop_reason: 'tool_use' }),
      { ...context, jsonToolName: 'json_tool_call' },
    );
    assert.deepEqual(completion.choices[0].message, { role: 'assistant', content: '{"ok":true}', refusal: null });
    assert.equal(completion.choices[0].finish_reason, 'stop');
  });

  it('without jsonToolName a tool named like it is an ordinary tool call', () => {
    const completion = toChatCompletion(
      message([{ type: 'tool_use', id: 'toolu_j', name: 'json_tool_call', input: {} }], { stop_reason: 'tool_use' }),
      context,
    );
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(completion.choices[0].message.tool_calls?.length, 1);
  });

  it('thinking: reasoning_content and thinking_blocks (redacted kept), choice index and fingerprint from context', () => {
    const completion = toChatCompletion(
      message([
        { type: 'thinking', thinking: 'hm', signature: 'sig' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'thinking', thinking: ' ok', signature: 'sig2' },
        { type: 'text', text: 'done' },
      ]),
      { ...context, choiceIndex: 3, systemFingerprint: 'fp_x' },
    );
    const m = completion.choices[0].message;
    assert.equal(completion.choices[0].index, 3);
    assert.equal(completion.system_fingerprint, 'fp_x');
    assert.equal(m.reasoning_content, 'hm ok');
    assert.deepEqual(m.thinking_blocks, [
      { type: 'thinking', thinking: 'hm', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'thinking', thinking: ' ok', signature: 'sig2' },
    ]);
  });
});
