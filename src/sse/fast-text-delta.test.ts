import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fastTextDelta } from './fast-text-delta.ts';

/** JSON.parse's verdict: the value, or 'throws'. */
function parsed(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return 'throws';
  }
}

describe('fastTextDelta', () => {
  it('takes the recorded text deltas of every fixture and equals JSON.parse on them', () => {
    const root = new URL('../../test/fixtures/stream/', import.meta.url).pathname;
    let taken = 0;
    for (const dir of readdirSync(root)) {
      const sse = readFileSync(join(root, dir, 'upstream.anthropic.sse'), 'utf8');
      for (const line of sse.split(/\r?\n/)) {
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        const fast = fastTextDelta(data);
        if (fast !== null) {
          taken++;
          assert.deepEqual(fast, JSON.parse(data));
        } else {
          assert.ok(!/^\{"type":"content_block_delta","index":\d+,"delta":\{"type":"text_delta","text":"[^"\\]*"\}\}$/.test(data), `plain text delta not taken: ${data}`);
        }
      }
    }
    assert.ok(taken > 10, `took ${taken}`);
  });

  it('leaves escapes, padding, other shapes and invalid JSON to JSON.parse', () => {
    for (const data of [
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\nb"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\u00e9"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"} }',
      '{"type": "content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}',
      '{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"x"}}',
      '{"type":"content_block_delta","index":,"delta":{"type":"text_delta","text":"x"}}',
      '{"type":"content_block_delta","index":1234567890,"delta":{"type":"text_delta","text":"x"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"b"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tab\there"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"x"}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"}}',
    ]) {
      assert.equal(fastTextDelta(data), null, data);
    }
  });

  it('property: whenever it answers, the answer is exactly JSON.parse(data)', () => {
    const head = '{"type":"content_block_delta","index":';
    const mid = ',"delta":{"type":"text_delta","text":"';
    const index = fc.oneof(fc.nat({ max: 2000 }).map(String), fc.constantFrom('', '00', '01', '-1', '1e2', '1.0', '12345678901'));
    const text = fc.oneof(fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('\\"', '\\\\', '"', 'é😀', '\u0000'));
    const tail = fc.constantFrom('"}}', '"} }', '"}}x', '"}', '","x":1}}');
    fc.assert(
      fc.property(index, text, tail, (i, t, end) => {
        const data = head + i + mid + t + end;
        const fast = fastTextDelta(data);
        if (fast !== null) assert.deepEqual(fast, parsed(data));
        else if (/^\d{1,9}$/.test(i) && !/^0\d/.test(i) && end === '"}}' && !/["\\\u0000-\u001f]/.test(t)) assert.fail(`plain delta not taken: ${data}`);
      }),
      { numRuns: 3000 },
    );
  });
});
