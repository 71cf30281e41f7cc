import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assistant, fields, text, throwsGateway, translate, user } from './test-helpers.ts';

const S46 = 'claude-sonnet-4-6';
const S45 = 'claude-sonnet-4-5';
const msgs = (model: string, messages: unknown[], extra: Record<string, unknown> = {}) =>
  translate({ model, messages, max_tokens: 100, ...extra });

const call = (id: string, name = 'f', args = '{}') => ({ id, type: 'function', function: { name, arguments: args } });
const tool = (id: string, content: unknown = 'ok') => ({ role: 'tool', tool_call_id: id, content });

describe('messages: system, merging, empties', () => {
  it('hoists system and developer messages from anywhere, joined with \\n', () => {
    const t = msgs(S46, [
      { role: 'system', content: 'one' },
      user('hi'),
      { role: 'developer', content: [text('two'), text('three')] },
      assistant('yo'),
      user('again'),
    ]);
    assert.equal(t.anthropic.system, 'one\ntwo\nthree');
    assert.deepEqual(t.anthropic.messages, [
      { role: 'user', content: [text('hi')] },
      { role: 'assistant', content: [text('yo')] },
      { role: 'user', content: [text('again')] },
    ]);
    assert.deepEqual(t.adjustments, []);
  });

  it('uses the text-block array form when a system part carries cache_control', () => {
    const t = msgs(S46, [
      { role: 'system', content: 'plain' },
      { role: 'system', content: [{ type: 'text', text: 'cached', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
      user('x'),
    ]);
    assert.deepEqual(t.anthropic.system, [
      { type: 'text', text: 'plain' },
      { type: 'text', text: 'cached', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ]);
  });

  it('merges consecutive same-role turns and drops empty/whitespace-only text', () => {
    const t = msgs(S46, [user('a'), user(''), user([text(' '), text('b')]), assistant(''), assistant(null), user('c')]);
    assert.deepEqual(t.anthropic.messages, [{ role: 'user', content: [text('a'), text('b'), text('c')] }]);
  });

  it('a conversation that ends up empty → 400 param messages', () => {
    throwsGateway(() => msgs(S46, [{ role: 'system', content: 'only system' }]), 'invalid_request', 'messages');
    throwsGateway(() => msgs(S46, [user('   '), assistant('')]), 'invalid_request', 'messages');
  });

  it('a leading assistant message gets a minimal user turn before it', () => {
    const t = msgs(S46, [assistant('Hello! How can I help?'), user('Tell me a joke')]);
    assert.deepEqual(t.anthropic.messages, [
      { role: 'user', content: [text('(continue)')] },
      { role: 'assistant', content: [text('Hello! How can I help?')] },
      { role: 'user', content: [text('Tell me a joke')] },
    ]);
    assert.deepEqual(t.adjustments, [{ field: 'messages[0]', action: 'converted', detail: 'leading assistant message->user turn prepended' }]);
  });

  it('drops names, refusal parts and assistant refusal/audio silently', () => {
    const t = msgs(S45, [
      { role: 'user', content: 'q', name: 'bob' },
      { role: 'assistant', content: [text('a'), { type: 'refusal', refusal: 'no' }], refusal: 'no', audio: { id: 'au_1' }, name: 'bot' },
      user('q2'),
    ]);
    assert.deepEqual(t.anthropic.messages[1], { role: 'assistant', content: [text('a')] });
    assert.deepEqual(t.adjustments, []);
  });
});

describe('messages: prefill (final assistant turn)', () => {
  it('is dropped with an adjustment on models that forbid prefill (4.6+)', () => {
    const t = msgs(S46, [user('Write JSON'), assistant('{')]);
    assert.deepEqual(t.anthropic.messages, [{ role: 'user', content: [text('Write JSON')] }]);
    assert.deepEqual(t.adjustments, [{ field: 'messages[1]', action: 'dropped', detail: 'assistant prefill unsupported by claude-sonnet-4-6' }]);
  });

  it('is kept with trailing whitespace trimmed on models that allow it', () => {
    const t = msgs(S45, [user('Write JSON'), assistant('Here it is:\n ')]);
    assert.deepEqual(t.anthropic.messages, [
      { role: 'user', content: [text('Write JSON')] },
      { role: 'assistant', content: [text('Here it is:')] },
    ]);
    assert.deepEqual(t.adjustments, []);
  });

  it('is dropped when thinking is on even if the model allows prefill', () => {
    const t = msgs(S45, [user('q'), assistant('A:')], { reasoning_effort: 'low', max_tokens: 4000 });
    assert.equal(t.anthropic.messages.length, 1);
    assert.deepEqual(fields(t), ['messages[1]=dropped']);
  });
});

describe('messages: images and files', () => {
  const png = 'iVBORw0KGgo=';
  it('data URLs → base64 image blocks; http(s) → url source; detail dropped', () => {
    const t = msgs(S46, [
      user([
        text('look'),
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}`, detail: 'high' } },
        { type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/4AAQ' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
        { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lGOD', }, cache_control: { type: 'ephemeral' } },
      ]),
    ]);
    assert.deepEqual(t.anthropic.messages[0]!.content, [
      text('look'),
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.webp' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGOD' }, cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('malformed data URL or unsupported media type → 400 at the url param', () => {
    const img = (url: string) => [user([text('a'), text('b'), { type: 'image_url', image_url: { url } }])];
    for (const url of ['data:image/png;base64,', 'data:image/png,raw', 'data:image/png;base64,@@@', 'data:image/bmp;base64,Qk0=', 'data:image/svg+xml;base64,PHN2Zz4=', 'ftp://x/y.png', 'not a url']) {
      throwsGateway(() => msgs(S46, [user('q'), assistant('a'), ...img(url)]), 'invalid_request', 'messages[2].content[2].image_url.url');
    }
  });

  it('file parts: PDF (data URL or raw base64) → document; text/plain → text document; filename → title', () => {
    const t = msgs(S46, [
      user([
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQ=', filename: 'a.pdf' } },
        { type: 'file', file: { file_data: 'JVBERi0xLjQ=' } },
        { type: 'file', file: { file_data: 'data:text/plain;base64,aGVsbG8g8J+Ri4==', filename: 'n.txt' } },
        { type: 'file', file: { file_data: 'aGk=', filename: 'notes.md' } },
        { type: 'image_url', image_url: { url: 'data:application/pdf;base64,JVBERi0=' } },
      ]),
    ]);
    assert.deepEqual(t.anthropic.messages[0]!.content, [
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQ=' }, title: 'a.pdf' },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQ=' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello 👋' }, title: 'n.txt' },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hi' }, title: 'notes.md' },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('file_id → 400 unsupported_parameter; unknown file types and bad data → 400', () => {
    throwsGateway(() => msgs(S46, [user([{ type: 'file', file: { file_id: 'file-abc' } }])]), 'unsupported_parameter', 'messages[0].content[0].file.file_id');
    throwsGateway(() => msgs(S46, [user([{ type: 'file', file: { file_data: 'data:application/zip;base64,UEsDBA==' } }])]), 'invalid_request', 'messages[0].content[0].file.file_data');
    throwsGateway(() => msgs(S46, [user([{ type: 'file', file: { file_data: 'UEsDBA==', filename: 'x.zip' } }])]), 'invalid_request', 'messages[0].content[0].file.file_data');
    throwsGateway(() => msgs(S46, [user([{ type: 'file', file: { file_data: 'not base64!' } }])]), 'invalid_request', 'messages[0].content[0].file.file_data');
    throwsGateway(() => msgs(S46, [user([{ type: 'file', file: {} }])]), 'invalid_request', 'messages[0].content[0].file.file_data');
  });

  it('input_audio → 400 unsupported_parameter naming the part', () => {
    throwsGateway(
      () => msgs(S46, [user([text('listen'), { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }])]),
      'unsupported_parameter',
      'messages[0].content[1]',
    );
  });
});

describe('messages: tool calls and results', () => {
  it('assistant tool_calls → tool_use; consecutive tool messages → one user turn in tool_use order, first', () => {
    const t = msgs(S46, [
      user('weather?'),
      assistant('Checking.', { tool_calls: [call('call_a', 'get', '{"city":"Paris"}'), call('call_b', 'get', '{"city":"Rome"}')] }),
      tool('call_b', 'sunny'),
      tool('call_a', [text('rainy')]),
      user('thanks'),
    ]);
    assert.deepEqual(t.anthropic.messages, [
      { role: 'user', content: [text('weather?')] },
      {
        role: 'assistant',
        content: [
          text('Checking.'),
          { type: 'tool_use', id: 'call_a', name: 'get', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_b', name: 'get', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: 'rainy' },
          { type: 'tool_result', tool_use_id: 'call_b', content: 'sunny' },
          text('thanks'),
        ],
      },
    ]);
    assert.deepEqual(t.adjustments, []);
  });

  it('empty/invalid arguments → {} with a converted adjustment; empty tool content omitted', () => {
    const t = msgs(S46, [user('q'), assistant(null, { tool_calls: [call('c1', 'f', ''), call('c2', 'f', '{oops'), call('c3', 'f', '[1]')] }), tool('c1', ''), tool('c2', []), tool('c3', 'x')]);
    assert.deepEqual(t.anthropic.messages[1]!.content, [
      { type: 'tool_use', id: 'c1', name: 'f', input: {} },
      { type: 'tool_use', id: 'c2', name: 'f', input: {} },
      { type: 'tool_use', id: 'c3', name: 'f', input: {} },
    ]);
    assert.deepEqual(t.anthropic.messages[2]!.content, [
      { type: 'tool_result', tool_use_id: 'c1' },
      { type: 'tool_result', tool_use_id: 'c2' },
      { type: 'tool_result', tool_use_id: 'c3', content: 'x' },
    ]);
    assert.deepEqual(t.adjustments, [
      { field: 'messages[1].tool_calls[0].function.arguments', action: 'converted', detail: 'empty->{}' },
      { field: 'messages[1].tool_calls[1].function.arguments', action: 'converted', detail: 'not a JSON object->{}' },
      { field: 'messages[1].tool_calls[2].function.arguments', action: 'converted', detail: 'not a JSON object->{}' },
    ]);
  });

  it('foreign ids are mapped deterministically and consistently; reused ids stay unique', () => {
    const conv = [
      user('q'),
      assistant(null, { tool_calls: [call('fc:1|x'), call('fc.1.x')] }),
      tool('fc.1.x', 'b'),
      tool('fc:1|x', 'a'),
      assistant(null, { tool_calls: [call('call_0')] }),
      tool('call_0', 'c'),
      assistant(null, { tool_calls: [call('call_0')] }),
      tool('call_0', 'd'),
    ];
    const t = msgs(S46, conv);
    const ids = t.anthropic.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    const results = t.anthropic.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []));
    assert.equal(ids.length, 4);
    assert.equal(new Set(ids).size, 4);
    for (const id of ids) assert.match(id, /^[a-zA-Z0-9_-]+$/);
    assert.deepEqual(results, ids);
    assert.match(ids[0]!, /^fc_1_x_[0-9a-z]+$/);
    assert.notEqual(ids[0], ids[1]);
    assert.deepEqual(ids.slice(2), ['call_0', 'call_0_2']);
    assert.deepEqual(msgs(S46, conv).anthropic, t.anthropic, 'same input, same ids');
  });

  it('a tool result matching no tool call of the preceding assistant → 400 messages[i].tool_call_id', () => {
    throwsGateway(() => msgs(S46, [user('q'), assistant(null, { tool_calls: [call('a')] }), tool('zzz')]), 'invalid_request', 'messages[2].tool_call_id');
    throwsGateway(() => msgs(S46, [user('q'), tool('a')]), 'invalid_request', 'messages[1].tool_call_id');
    throwsGateway(
      () => msgs(S46, [user('q'), assistant(null, { tool_calls: [call('a')] }), tool('a'), assistant('done'), user('more'), tool('a')]),
      'invalid_request',
      'messages[5].tool_call_id',
    );
    throwsGateway(() => msgs(S46, [user('q'), assistant(null, { tool_calls: [call('a')] }), tool('a'), tool('a')]), 'invalid_request', 'messages[3].tool_call_id');
  });

  it('a tool call without a result gets an is_error placeholder (strict mode: 400 messages[i].tool_calls)', () => {
    const conv = [user('q'), assistant(null, { tool_calls: [call('a'), call('b')] }), tool('b', 'B'), user('never mind')];
    const t = msgs(S46, conv);
    assert.deepEqual(t.anthropic.messages[2], {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'a', content: '(no result)', is_error: true },
        { type: 'tool_result', tool_use_id: 'b', content: 'B' },
        text('never mind'),
      ],
    });
    assert.deepEqual(t.adjustments, [{ field: 'messages[1].tool_calls', action: 'defaulted', detail: '1 calls without result->is_error results inserted' }]);
    throwsGateway(() => translate({ model: S46, messages: conv, max_tokens: 5 }, { strict: true }), 'adjustment_refused', 'messages[1].tool_calls');
  });

  it('a final assistant tool call (no results yet) gets placeholder results instead of becoming a prefill', () => {
    const t = msgs(S46, [user('q'), assistant(null, { tool_calls: [call('a')] })]);
    assert.equal(t.anthropic.messages.length, 3);
    assert.deepEqual(t.anthropic.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: '(no result)', is_error: true }] });
  });

  it('legacy function_call / function role → tool_use / tool_result with a synthetic id', () => {
    const t = msgs(S46, [user('q'), assistant(null, { function_call: { name: 'lookup', arguments: '{"k":1}' } }), { role: 'function', name: 'lookup', content: 'v' }]);
    assert.deepEqual(t.anthropic.messages.slice(1), [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_function_1', name: 'lookup', input: { k: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_function_1', content: 'v' }] },
    ]);
    throwsGateway(() => msgs(S46, [user('q'), { role: 'function', name: 'lookup', content: 'v' }]), 'invalid_request', 'messages[1].name');
  });

  it('thinking_blocks are emitted first in that assistant turn, unmodified', () => {
    const blocks = [
      { type: 'thinking', thinking: 'Let me think', signature: 'sig==' },
      { type: 'redacted_thinking', data: 'ENCRYPTED' },
    ];
    const t = msgs(S46, [user('q'), assistant('Calling.', { tool_calls: [call('toolu_1')], thinking_blocks: blocks }), tool('toolu_1', 'r')]);
    assert.deepEqual(t.anthropic.messages[1]!.content, [...blocks, text('Calling.'), { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }]);
  });

  it('message-level cache_control goes on the last block; part-level stays on its part', () => {
    const t = msgs(S46, [
      { role: 'user', content: [text('a'), { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }, text('c')], cache_control: { type: 'ephemeral', ttl: '1h' } },
      assistant(null, { tool_calls: [call('t1')] }),
      { role: 'tool', tool_call_id: 't1', content: 'r', cache_control: { type: 'ephemeral' } },
    ]);
    assert.deepEqual(t.anthropic.messages[0]!.content, [text('a'), { ...text('b'), cache_control: { type: 'ephemeral' } }, { ...text('c'), cache_control: { type: 'ephemeral', ttl: '1h' } }]);
    assert.deepEqual(t.anthropic.messages[2]!.content, [{ type: 'tool_result', tool_use_id: 't1', content: 'r', cache_control: { type: 'ephemeral' } }]);
  });
});
