import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapStopReason } from './map-stop-reason.ts';

describe('mapStopReason (protocol.md §6.5)', () => {
  const table: Array<[string | null | undefined, string]> = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
    [undefined, 'stop'],
    ['something_new', 'stop'],
  ];
  for (const [reason, expected] of table) {
    it(`${String(reason)} -> ${expected}`, () => assert.equal(mapStopReason(reason), expected));
  }
  it('tool_use is a natural stop when structured output is emulated with a forced tool', () => {
    assert.equal(mapStopReason('tool_use', { jsonToolEmulated: true }), 'stop');
    assert.equal(mapStopReason('max_tokens', { jsonToolEmulated: true }), 'length');
    assert.equal(mapStopReason('tool_use', { jsonToolEmulated: false }), 'tool_calls');
  });
});
