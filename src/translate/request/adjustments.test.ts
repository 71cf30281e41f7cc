import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../domain/errors.ts';
import { Adjustments, formatAdjustmentsHeader } from './adjustments.ts';

describe('adjustments', () => {
  it('formats a single-line ASCII header', () => {
    assert.equal(
      formatAdjustmentsHeader([
        { field: 'model', action: 'remapped', detail: 'claude-3-5-sonnet-20241022->claude-sonnet-4-6' },
        { field: 'temperature', action: 'clamped', detail: '1.5->1' },
      ]),
      'model=remapped(claude-3-5-sonnet-20241022->claude-sonnet-4-6); temperature=clamped(1.5->1)',
    );
    assert.equal(formatAdjustmentsHeader([]), '');
  });

  it('sanitises client-chosen field names and non-ASCII, and truncates long lists', () => {
    const h = formatAdjustmentsHeader([{ field: 'wéird;f=(x)\n', action: 'dropped', detail: 'unknown field' }]);
    assert.equal(h, 'w?ird_f__x_?=dropped(unknown field)');
    const many = Array.from({ length: 100 }, (_, i) => ({ field: `field_${i}`, action: 'dropped' as const, detail: 'unknown field' }));
    const long = formatAdjustmentsHeader(many);
    assert.ok(long.length <= 1100);
    assert.match(long, /; \+\d+ more$/);
    assert.match(long, /^[\x20-\x7e]*$/);
  });

  it('strict collector refuses semantic changes, records the rest', () => {
    const adj = new Adjustments(true);
    adj.add('messages[0]', 'converted', 'x', true);
    adj.add('max_tokens', 'defaulted', '64000', false);
    assert.equal(adj.list.length, 2);
    try {
      adj.add('top_p', 'dropped', '0.9', true);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(isGatewayError(e));
      assert.equal(e.code, 'adjustment_refused');
      assert.equal(e.param, 'top_p');
      assert.equal(e.status, 400);
    }
  });
});
