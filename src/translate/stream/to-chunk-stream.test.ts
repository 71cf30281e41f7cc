import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import type { StreamContext } from './stream-state.ts';
import { ev, readText, streamFrom } from './test-events.ts';
import { toChunkStream } from './to-chunk-stream.ts';

const base: StreamContext = { id: 'chatcmpl-t', created: 1, model: 'm', includeUsage: false, choiceIndex: 0 };

async function run(events: StreamEvent[], context: Partial<StreamContext> = {}): Promise<string[]> {
  const text = await readText(streamFrom(events).pipeThrough(toChunkStream({ ...base, ...context })));
  assert.ok(text.endsWith('\n\n'));
  return text.slice(0, -2).split('\n\n');
}

describe('toChunkStream', () => {
  it('default mode: usage rides on the finish chunk, then [DONE]', async () => {
    const lines = await run([ev.start(), ev.text(0), ev.textDelta(0, 'hi'), ev.stop(0), ev.delta('end_turn'), ev.messageStop()]);
    assert.equal(lines.length, 4);
    const finish = JSON.parse(lines[2].slice(6));
    assert.equal(finish.choices[0].finish_reason, 'stop');
    assert.equal(finish.usage.completion_tokens, 5);
    assert.equal(lines[3], 'data: [DONE]');
    assert.ok(!lines[0].includes('"usage"'));
  });

  it('include_usage: finish chunk with usage null, one usage chunk, then [DONE]', async () => {
    const lines = await run([ev.start(), ev.delta('max_tokens'), ev.messageStop()], { includeUsage: true });
    assert.equal(lines.length, 4);
    const [first, finish, usage] = lines.slice(0, 3).map((line) => JSON.parse(line.slice(6)));
    assert.equal(first.usage, null);
    assert.equal(finish.usage, null);
    assert.equal(finish.choices[0].finish_reason, 'length');
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage.prompt_tokens, 10);
    assert.equal(lines[3], 'data: [DONE]');
  });

  it('error event: in-band error then [DONE], no finish chunk, later events ignored', async () => {
    const lines = await run([ev.start(), ev.error('api_error', 'Internal server error'), ev.delta('end_turn'), ev.messageStop()]);
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[1].slice(6)), {
      error: { message: 'Internal server error', type: 'server_error', param: null, code: 'upstream_server_error' },
    });
    assert.equal(lines[2], 'data: [DONE]');
    assert.ok(!lines.join('').includes('finish_reason":"'));
  });

  it('end of input without message_stop: protocol error then [DONE]', async () => {
    const lines = await run([ev.start(), ev.text(0), ev.textDelta(0, 'partial')]);
    assert.equal(JSON.parse(lines.at(-2)!.slice(6)).error.code, 'upstream_protocol_error');
    assert.equal(lines.at(-1), 'data: [DONE]');
  });

  it('empty input is an error too (never a silent success)', async () => {
    const lines = await run([]);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /upstream stream ended before message_stop/);
  });

  it('events after message_stop produce nothing', async () => {
    const lines = await run([ev.start(), ev.messageStop(), ev.text(0), ev.textDelta(0, 'x'), ev.error('api_error', 'x')]);
    assert.equal(lines.length, 3);
    assert.equal(lines[2], 'data: [DONE]');
  });
});
